import type { Message, Ticket } from '../../db/entities';
import { listeningItemRepository } from '../../db/repositories/listening-item.repository';
import { AppError, ConflictError } from '../../errors';
import type { Viewer } from '../../policies/viewer';
import type { Services } from '../../services';
import { addReply } from '../../tickets/commands/add-reply';
import { convertItem } from './convert-item';

export interface ItemReplyInput {
  // The public answer under the post, seen by everyone on the platform.
  text: string;
  // "Take it private": after the public answer, this goes to the author as a direct message and
  // the ticket carries on privately, as a mention's ticket does.
  privateText?: string | null;
}

// Reply to a listened post: it becomes its public ticket (convertItem) and the agent's answer
// goes out through the outbox as any reply on that ticket would, under the post on its platform.
export async function replyToItem(s: Services, viewer: Extract<Viewer, { kind: 'agent' }>, itemId: number, input: ItemReplyInput): Promise<{ ticket: Ticket; messages: Message[] }> {
  if (!input.text.trim()) throw new AppError(422, 'validation_failed', 'A reply needs text.', { fields: { text: ['Write the public reply first.'] } });
  if (input.privateText !== undefined && input.privateText !== null && !input.privateText.trim()) {
    throw new AppError(422, 'validation_failed', 'Taking it private needs the direct message too.', { fields: { privateText: ['Write the direct message.'] } });
  }
  // The agent answered what they saw waiting: a post someone made a ticket meanwhile (another
  // agent, a rule, its mention) is answered on that ticket, where its thread is, not twice here.
  const before = await listeningItemRepository.findById(s.db.m, itemId);
  if (before?.ticketId) throw new ConflictError(`This post became ticket #${before.ticketId} meanwhile; answer it there.`, { ticketId: before.ticketId });
  const ticket = await convertItem(s, itemId, { by: { kind: 'agent', agentId: viewer.agentId } });
  const messages = [await addReply(s.commands, viewer, ticket.id, { audience: 'public', text: input.text })];
  if (input.privateText) messages.push(await addReply(s.commands, viewer, ticket.id, { audience: 'participants', text: input.privateText }));
  return { ticket, messages };
}
