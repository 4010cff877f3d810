import type { Ticket, TicketStatus } from '../../db/entities';
import { type Actor, ticketEventRepository } from '../../db/repositories/ticket-event.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import { factsWriter } from '../../reports/facts-writer';

// The customer answered: a waiting, solved (or, where the inbox says so, closed) ticket needs an
// agent again. Shared by every way a customer writes (a channel, the web thread).
export async function reopenForCustomer(m: Parameters<typeof ticketRepository.update>[0], t: Ticket, actor: Actor, reason: string, now: number): Promise<TicketStatus> {
  await ticketRepository.update(m, t.id, { status: 'open', solvedAt: null, updatedAt: now });
  await ticketEventRepository.record(m, t.id, 'status', actor, { from: t.status, to: 'open', reason }, now);
  await factsWriter.statusChanged(m, t, t.status, 'open', now, actor.type === 'contact' ? { contactId: actor.id } : {});
  return 'open';
}
