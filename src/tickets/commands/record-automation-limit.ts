import type { EventCause } from '../../db/entities';
import { ticketEventRepository } from '../../db/repositories/ticket-event.repository';
import { type CommandDeps, loadTicket } from './command-deps';

// The loop guard stopped a rule on this ticket: the ticket's history says which and why.
export async function recordAutomationLimit(deps: CommandDeps, ticketId: number, cause: EventCause, data: { limit: number; reason: string }): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const t = await loadTicket(tx.m, ticketId);
    await ticketEventRepository.record(tx.m, t.id, 'automation.limited', { type: 'system', cause }, data, deps.now());
    tx.emit('ticket.updated', { ticketId: t.id, changes: ['events'], cause });
  });
}
