import type { Ticket } from '../../db/entities';
import { type Actor, ticketEventRepository } from '../../db/repositories/ticket-event.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import type { Tx } from '../../db/transaction';
import type { CommandDeps } from './command-deps';

export type WakeReason = 'time' | 'customer';
export const WAKE_TEXT: Record<WakeReason, string> = { time: 'snooze ended', customer: 'customer answered' };

// A snoozed ticket comes back to the views, in the caller's transaction: the TicketEvent names
// why, and its assignee is told (their own socket room only). Waking is conditional on the
// ticket still being snoozed (and, for the job, still due), so it happens once however many
// nodes or answers race for it. Returns whether this call woke it.
export async function wakeInTx(tx: Tx, t: Ticket, reason: WakeReason, actor: Actor, now: number, dueBy?: number): Promise<boolean> {
  if (!t.snoozed) return false;
  if (!(await ticketRepository.clearSnooze(tx.m, t.id, now, dueBy))) return false;
  await ticketEventRepository.record(tx.m, t.id, 'woke', actor, { reason, mode: t.snoozed, until: t.snoozedUntil, cause: { kind: 'snooze', text: WAKE_TEXT[reason] } }, now);
  if (t.assigneeId && !t.mergedIntoId) tx.emit('ticket.woke', { ticketId: t.id, agentId: t.assigneeId, reason });
  return true;
}

// The wake-up job's step for one ticket whose time has come.
export async function wakeDueTicket(deps: CommandDeps, ticketId: number): Promise<boolean> {
  return deps.db.transaction(async (tx) => {
    const t = await ticketRepository.findById(tx.m, ticketId);
    const now = deps.now();
    if (!t || t.snoozed !== 'time' || t.snoozedUntil === null || t.snoozedUntil > now) return false;
    const woke = await wakeInTx(tx, t, 'time', { type: 'system' }, now, now);
    if (woke) tx.emit('ticket.updated', { ticketId: t.id, changes: ['snooze'] });
    return woke;
  });
}
