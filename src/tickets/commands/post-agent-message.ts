import type { Audience, Message, Ticket } from '../../db/entities';
import { chainRepository } from '../../db/repositories/chain.repository';
import { messageRepository } from '../../db/repositories/message.repository';
import { storeAttachments } from './store-attachments';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import type { Tx } from '../../db/transaction';
import { sanitize, textToHtml } from '../../content/sanitize';
import type { Viewer } from '../../policies/viewer';
import type { CommandDeps } from './command-deps';
import { factsWriter } from '../../reports/facts-writer';

export interface OutgoingAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface AgentMessageInput {
  audience: Audience;
  text: string;
  html?: string | null;
  attachments?: OutgoingAttachment[];
}

// Shared by reply and note: the message row, its files, the ticket's activity, and — for
// anything but a staff note — the deliveries that must leave Chorus, all in the caller's transaction.
// `firstResponseAt`: when this reply is the ticket's first response (its reporting fact says so).
// A null viewer is Chorus itself (a rule's canned reply or note): the message names its cause.
export async function postAgentMessage(tx: Tx, deps: CommandDeps, viewer: Extract<Viewer, { kind: 'agent' }> | null, ticket: Ticket, input: AgentMessageInput, firstResponseAt: number | null = null): Promise<Message> {
  const now = firstResponseAt ?? deps.now();
  const html = input.html ? sanitize(input.html) : textToHtml(input.text);
  const id = await messageRepository.insert(tx.m, {
    ticketId: ticket.id, authorType: viewer ? 'agent' : 'system', authorContactId: null, authorAgentId: viewer?.agentId ?? null, channel: input.audience === 'staff' ? 'note' : ticket.channel,
    direction: input.audience === 'staff' ? 'internal' : 'outbound', audience: input.audience, text: input.text, fullText: null, html,
    externalId: null, emailMessageId: null, deliveryState: null, deliveryError: null, inboundItemId: null, hidden: false, score: 0,
    flags: deps.cause ? { cause: deps.cause } : null, createdAt: now,
  });
  const attachments = await storeAttachments(tx.m, id, input.attachments ?? [], now);
  await messageRepository.insertThreadLink(tx.m, { messageId: id, ticketId: ticket.id, rule: deps.cause ? 'automation' : 'agent', evidence: deps.cause ? `${deps.cause.kind} ${deps.cause.name}` : null, createdAt: now });
  if (input.audience === 'staff') {
    // retention: null — a note on an anonymised ticket is for retention to look at again.
    await ticketRepository.update(tx.m, ticket.id, { updatedAt: now, retention: null });
  } else {
    await ticketRepository.touchWithMessage(tx.m, ticket.id, now, input.text, 'start');
  }
  const message = (await messageRepository.findById(tx.m, id))!;
  // The chain seals it from these rows (it has no raw item) instead of reading them again.
  chainRepository.handOver(tx.m, message, attachments, null);
  const queued = await deps.outbound.enqueueFor(tx.m, ticket, message, now);
  if (queued) {
    await messageRepository.update(tx.m, id, { deliveryState: 'queued' });
    message.deliveryState = 'queued';
  }
  await factsWriter.message(tx.m, ticket, message, { firstResponseAt });
  tx.emit('message.created', { ticketId: ticket.id, messageId: id, audience: input.audience, channel: message.channel, direction: message.direction, cause: deps.cause });
  return message;
}
