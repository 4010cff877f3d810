import type { Inbox, Ticket } from '../../db/entities';
import { ticketEventRepository } from '../../db/repositories/ticket-event.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import type { Tx } from '../../db/transaction';
import { factsWriter } from '../../reports/facts-writer';

export interface InboundTicketInput {
  inbox: Inbox;
  requesterId: number;
  subject: string;
  visibility: Ticket['visibility'];
  threadKey: string | null;
  followUpOfId: number | null;
  // The reason, when automatic mail opens it: it stays out of triage and out of reports.
  automatic: string | null;
  // Imported history, or a listened post made a ticket later: it counts as opened when it was
  // written (the report facts; the ticket itself is created now).
  historicAt: number | null;
  forwardedBy: string | null;
}

// A channel brought a message that belongs to no ticket: open one for its author, in the
// caller's transaction (ingest settles its ledger row in the same one).
export async function openInboundTicket(tx: Tx, now: number, input: InboundTicketInput): Promise<Ticket> {
  const m = tx.m;
  const { inbox } = input;
  const ticket = await ticketRepository.create(m, {
    subject: input.subject, status: 'new', priority: 'normal', visibility: input.visibility,
    requesterId: input.requesterId, assigneeId: null, teamId: inbox.defaultTeamId, inboxId: inbox.id, channel: inbox.channel,
    threadKey: input.threadKey, snippet: null, messageCount: 0, mergedIntoId: null, followUpOfId: input.followUpOfId,
    acceptedMessageId: null, firstResponseAt: null, solvedAt: null, lastActivityAt: now, createdAt: now, updatedAt: now,
    // The SLA policy that applies sets the due time before this transaction commits.
    slaDueAt: null,
    automatic: input.automatic,
  });
  const id = ticket.id;
  await ticketRepository.insertParticipant(m, id, input.requesterId, 'requester');
  await ticketEventRepository.record(m, id, 'created', { type: 'contact', id: input.requesterId }, { channel: inbox.channel, followUpOf: input.followUpOfId, automatic: input.automatic, forwardedBy: input.forwardedBy }, now);
  await factsWriter.ticketCreated(m, ticket, input.historicAt ?? now, { contactId: input.requesterId });
  return ticket;
}
