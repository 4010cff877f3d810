import type { InboundMessage } from '../../channels/inbound-message';
import type { Audience, Message, Ticket, TicketStatus, ThreadRule } from '../../db/entities';
import { chainRepository } from '../../db/repositories/chain.repository';
import { messageRepository } from '../../db/repositories/message.repository';
import { storeAttachments } from './store-attachments';
import { ticketEventRepository } from '../../db/repositories/ticket-event.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import type { Tx } from '../../db/transaction';
import { factsWriter } from '../../reports/facts-writer';
import { reopenForCustomer } from './reopen-for-customer';
import { wakeInTx } from './wake-ticket';

export interface InboundMessageInput {
  msg: InboundMessage;
  authorId: number;
  participantContactIds: number[];
  // The ticket was opened for this very message.
  created: boolean;
  // Automatic mail (bounce, auto-reply, list): stored, never reopens, never adds people.
  noise: boolean;
  inboundItemId: number;
  // That item's raw text as stored, when the caller has it: the hash chain then seals the message
  // from what is written here instead of reading it all back (see chainRepository.handOver).
  inboundRaw?: string;
  threadLink: { rule: ThreadRule; evidence: string | null };
  // The cause, when the inbox reopens a closed ticket for this reply.
  reopenClosed?: string;
}

// A channel's message joins a ticket: the people it brings, the message with its files and
// thread link, the ticket's activity and the status a customer's answer moves it to — in the
// caller's transaction, with its TicketEvents and reporting facts.
export async function addInboundMessage(tx: Tx, ticket: Ticket, now: number, input: InboundMessageInput): Promise<{ messageId: number; audience: Audience; changes: string[] }> {
  const m = tx.m;
  const { msg, authorId, noise, created } = input;
  // Someone who joins a private conversation (a CC'd person, a reply from a forwarded thread)
  // becomes a participant; on a public thread anyone may post without gaining private access.
  const publicPost = msg.audienceHint === 'public' && ticket.visibility === 'public';
  // Machine mail on someone's ticket is for agents: a delivery report, or a stranger's
  // auto-reply, is never shown to the customer, and its sender never joins the conversation.
  const staffOnly = noise && (!!msg.noise?.bounce || (!created && !(await ticketRepository.isParticipant(m, ticket.id, authorId))));
  if (!publicPost && !noise) {
    // A ticket opened for this message has its author as requester already.
    if (!created) await ticketRepository.addParticipant(m, ticket.id, authorId, ticket.requesterId === authorId ? 'requester' : 'cc');
    for (const pid of input.participantContactIds) await ticketRepository.addParticipant(m, ticket.id, pid, 'cc');
  }
  const audience: Audience = staffOnly ? 'staff' : publicPost ? 'public' : 'participants';

  const row: Omit<Message, 'id'> = {
    ticketId: ticket.id, authorType: 'contact', authorContactId: authorId, authorAgentId: null, authorName: msg.author.name?.slice(0, 200) || null, channel: msg.channel,
    direction: 'inbound', audience, text: msg.text, fullText: msg.fullText ?? null, html: msg.html ?? null,
    externalId: msg.externalId ?? null, emailMessageId: msg.emailMessageId ?? null, deliveryState: null, deliveryError: null,
    inboundItemId: input.inboundItemId, hidden: false, score: 0,
    flags: msg.noise || msg.flags ? { ...(msg.flags ?? {}), ...(msg.noise ? { noise: msg.noise } : {}) } : null,
    createdAt: msg.receivedAt ?? now,
  };
  const messageId = await messageRepository.insert(m, row);
  const attachments = await storeAttachments(m, messageId, msg.attachments ?? [], now);
  if (input.inboundRaw !== undefined) chainRepository.handOver(m, { ...row, id: messageId }, attachments, input.inboundRaw);
  await messageRepository.insertThreadLink(m, { messageId, ticketId: ticket.id, rule: input.threadLink.rule, evidence: input.threadLink.evidence, createdAt: now });
  await ticketRepository.touchWithMessage(m, ticket.id, now, audience === 'staff' ? null : msg.text, !noise && (!publicPost || authorId === ticket.requesterId) ? 'end' : undefined);
  let counted = ticket;
  if (ticket.automatic && !noise) {
    // A person wrote on a ticket that automatic mail opened: it belongs in the inbox (and the reports) now.
    await ticketRepository.update(m, ticket.id, { automatic: null });
    await ticketEventRepository.record(m, ticket.id, 'restored', { type: 'contact', id: authorId }, { automatic: ticket.automatic, reason: 'a person wrote' }, now);
    counted = { ...ticket, automatic: null };
    await factsWriter.rebuild(m, [ticket.id]);
  } else {
    await factsWriter.message(m, ticket, { ...row, id: messageId }, { opening: created, authorIsParticipant: !publicPost && !noise });
  }

  const changes: string[] = ['last_activity'];
  // A customer's answer brings a waiting or solved ticket back to the agents; an auto-reply does not.
  const reopen: Partial<Record<TicketStatus, TicketStatus>> = { pending: 'open', solved: 'open' };
  // A closed ticket reopens only when the thread step decided so for this inbox, and says why.
  const reopenClosed = ticket.status === 'closed' ? input.reopenClosed : undefined;
  const next = !created && !noise ? (reopenClosed ? 'open' : reopen[ticket.status]) : undefined;
  if (next) {
    await reopenForCustomer(m, counted, { type: 'contact', id: authorId }, reopenClosed ?? 'customer reply', now);
    changes.push('status');
  }
  // The customer answered a snoozed ticket (a stranger's public post on it does not count).
  if (ticket.snoozed && !created && !noise && (!publicPost || authorId === ticket.requesterId || (await ticketRepository.isParticipant(m, ticket.id, authorId)))) {
    if (await wakeInTx(tx, ticket, 'customer', { type: 'contact', id: authorId }, now)) changes.push('snooze');
  }
  return { messageId, audience, changes };
}
