import { inboxRepository } from '../../db/repositories/inbox.repository';
import { ticketEventRepository } from '../../db/repositories/ticket-event.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import { ForbiddenError } from '../../errors';
import type { Viewer } from '../../policies/viewer';
import { actorOf, type CommandDeps, loadTicket } from './command-deps';
import { factsWriter } from '../../reports/facts-writer';

// Brings a ticket that automatic mail opened into the inbox: it joins the triage views and its
// first-response clock starts now. The history names who restored it and why it had been automatic.
export async function restoreTicket(deps: CommandDeps, viewer: Viewer, ticketId: number): Promise<{ restored: boolean }> {
  if (viewer.kind !== 'agent') throw new ForbiddenError('Only agents can restore a ticket to the inbox.');
  return deps.db.transaction(async (tx) => {
    const t = await loadTicket(tx.m, ticketId);
    if (!t.automatic) return { restored: false };
    const now = deps.now();
    // Its SLA clock starts now (the SLA hook reads automatic: null before this commits).
    await ticketRepository.update(tx.m, t.id, { automatic: null, updatedAt: now });
    await ticketEventRepository.record(tx.m, t.id, 'restored', actorOf(viewer, deps.cause), { automatic: t.automatic }, now);
    // Now a person's ticket: it counts in the reports from its beginning.
    await factsWriter.rebuild(tx.m, [t.id]);
    tx.emit('ticket.updated', { ticketId: t.id, changes: ['automatic'] });
    return { restored: true };
  });
}
