import { ticketEventRepository } from '../../db/repositories/ticket-event.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import { factsWriter } from '../../reports/facts-writer';
import type { CommandDeps } from './command-deps';

const DAY = 86_400_000;

export const autoCloseText = (days: number) => `solved for ${days} day${days === 1 ? '' : 's'} (inbox setting)`;

// The auto-close job's step for one ticket: still solved, and solved at least `days` ago, it
// closes; the TicketEvent names the inbox setting as the cause. The update is conditional on
// that state, so a ticket reopened (or solved again) meanwhile stays as it is.
export async function closeSolvedTicket(deps: CommandDeps, ticketId: number, days: number): Promise<boolean> {
  return deps.db.transaction(async (tx) => {
    const now = deps.now();
    const cutoff = now - days * DAY;
    const t = await ticketRepository.findById(tx.m, ticketId);
    if (!t || t.mergedIntoId || t.status !== 'solved' || t.solvedAt === null || t.solvedAt > cutoff) return false;
    if (!(await ticketRepository.closeIfSolvedBefore(tx.m, t.id, cutoff, now))) return false;
    await ticketEventRepository.record(tx.m, t.id, 'status', { type: 'system' }, {
      from: 'solved', to: 'closed', reason: `closed automatically: ${autoCloseText(days)}`, cause: { kind: 'auto-close', days, inboxId: t.inboxId },
    }, now);
    await factsWriter.statusChanged(tx.m, t, 'solved', 'closed', now, {});
    tx.emit('ticket.updated', { ticketId: t.id, changes: ['status'] });
    return true;
  });
}
