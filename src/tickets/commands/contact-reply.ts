import { assertMayPostPublicly } from '../../community/trust-levels';
import { renderMarkdown } from '../../content/markdown';
import type { Message } from '../../db/entities';
import { chainRepository } from '../../db/repositories/chain.repository';
import { contactRepository } from '../../db/repositories/contact.repository';
import { messageRepository } from '../../db/repositories/message.repository';
import { storeAttachments } from './store-attachments';
import { ticketEventRepository } from '../../db/repositories/ticket-event.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../errors';
import { canViewTicket } from '../../policies/audience.policy';
import { accessFacts } from '../../policies/ticket-access';
import type { Viewer } from '../../policies/viewer';
import { actorOf, type CommandDeps, loadTicket } from './command-deps';
import type { OutgoingAttachment } from './post-agent-message';
import { factsWriter } from '../../reports/facts-writer';
import { reopenForCustomer } from './reopen-for-customer';
import { wakeInTx } from './wake-ticket';

export interface ContactReplyInput {
  text: string;
  attachments?: OutgoingAttachment[];
}

// A customer writes on the web thread. Requesters and participants speak to the audience the
// thread has (public on a public thread, participants on a private one); anyone else signed in
// may only answer a public thread, as a community answer, and never becomes a participant —
// that would open the participants-only history to them.
export async function contactReply(deps: CommandDeps, viewer: Extract<Viewer, { kind: 'contact' }>, ticketId: number, input: ContactReplyInput): Promise<Message> {
  const text = input.text.trim();
  if (!text && !input.attachments?.length) throw new ValidationError('Write something first.', { fields: { text: ['Write something first.'] } });
  return deps.db.transaction(async (tx) => {
    const t = await loadTicket(tx.m, ticketId);
    const facts = await accessFacts(tx.m, viewer, t);
    if (!canViewTicket(viewer, facts)) throw new NotFoundError(`Ticket #${ticketId}`);
    const contact = await contactRepository.findById(tx.m, viewer.contactId);
    if (!contact || contact.banned) throw new ForbiddenError('Posting is not possible from this account.');
    if (t.status === 'closed') throw new ConflictError('This conversation is closed. Start a new one.');
    const participant = facts.isParticipant;
    const audience = t.visibility === 'public' ? 'public' : 'participants';
    // Anyone may read a public post: links and images there wait for the author's trust level.
    if (audience === 'public') assertMayPostPublicly(text, contact.reputation, 'text');
    const now = deps.now();
    const id = await messageRepository.insert(tx.m, {
      ticketId: t.id, authorType: 'contact', authorContactId: viewer.contactId, authorAgentId: null, channel: 'web', direction: 'inbound', audience,
      text: text || '(attachment)', fullText: null, html: renderMarkdown(text || '(attachment)'), externalId: null, emailMessageId: null,
      deliveryState: null, deliveryError: null, inboundItemId: null, hidden: false, score: 0, flags: participant ? null : { community: true }, createdAt: now,
    });
    const attachments = await storeAttachments(tx.m, id, input.attachments ?? [], now);
    await messageRepository.insertThreadLink(tx.m, { messageId: id, ticketId: t.id, rule: 'web', evidence: null, createdAt: now });
    await ticketRepository.touchWithMessage(tx.m, t.id, now, text, participant ? 'end' : undefined);
    const message = (await messageRepository.findById(tx.m, id))!;
    chainRepository.handOver(tx.m, message, attachments, null);
    await factsWriter.message(tx.m, t, message, { authorIsParticipant: participant });
    const changes = ['last_activity'];
    // The customer answered: a solved or waiting ticket needs an agent again.
    if (participant && (t.status === 'solved' || t.status === 'pending')) {
      await reopenForCustomer(tx.m, t, actorOf(viewer, deps.cause), 'customer-reply', now);
      changes.push('status');
    }
    if (participant && (await wakeInTx(tx, t, 'customer', actorOf(viewer), now))) changes.push('snooze');
    tx.emit('message.created', { ticketId: t.id, messageId: id, audience, channel: message.channel, direction: message.direction });
    tx.emit('ticket.updated', { ticketId: t.id, changes });
    return message;
  });
}
