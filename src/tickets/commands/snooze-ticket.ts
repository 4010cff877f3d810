import type { Ticket } from '../../db/entities';
import { ticketEventRepository } from '../../db/repositories/ticket-event.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import { ConflictError, ValidationError } from '../../errors';
import type { Viewer } from '../../policies/viewer';
import { actorOf, CommandDeps, loadTicket } from './command-deps';

// Longest snooze: a ticket is not meant to be buried for good.
export const MAX_SNOOZE_MS = 366 * 86_400_000;
const SNOOZABLE = ['new', 'open', 'pending'];

// Hides a ticket from the triage views until `until` (epoch ms) or, with null, until the
// customer answers. A customer's answer wakes a timed snooze too: what they wrote is never
// hidden. Snoozing a snoozed ticket again changes when it wakes.
export async function snoozeTicket(deps: CommandDeps, viewer: Viewer, ticketId: number, until: number | null): Promise<Ticket> {
  return deps.db.transaction(async (tx) => {
    const t = await loadTicket(tx.m, ticketId);
    const now = deps.now();
    if (until !== null && until <= now) throw new ValidationError('Choose a time in the future to snooze until.', { fields: { until: ['Must be in the future.'] } });
    if (until !== null && until > now + MAX_SNOOZE_MS) throw new ValidationError('A ticket can be snoozed for a year at most.', { fields: { until: ['Must be within a year.'] } });
    if (!SNOOZABLE.includes(t.status)) throw new ConflictError(`A ${t.status} ticket cannot be snoozed.`, { status: t.status });
    const mode = until === null ? 'reply' : 'time';
    if (t.snoozed === mode && t.snoozedUntil === until) return t;
    await ticketRepository.setSnooze(tx.m, t.id, mode, until, now);
    await ticketEventRepository.record(tx.m, t.id, 'snoozed', actorOf(viewer), { mode, until, ...(t.snoozed ? { previousUntil: t.snoozedUntil } : {}) }, now);
    tx.emit('ticket.updated', { ticketId: t.id, changes: ['snooze'] });
    return { ...t, snoozed: mode, snoozedUntil: until, updatedAt: now };
  });
}

// An agent brings a snoozed ticket back before its time (no notification: they did it).
export async function unsnoozeTicket(deps: CommandDeps, viewer: Viewer, ticketId: number): Promise<boolean> {
  return deps.db.transaction(async (tx) => {
    const t = await loadTicket(tx.m, ticketId);
    const now = deps.now();
    if (!(await ticketRepository.clearSnooze(tx.m, t.id, now))) return false;
    await ticketEventRepository.record(tx.m, t.id, 'unsnoozed', actorOf(viewer), { mode: t.snoozed, until: t.snoozedUntil }, now);
    tx.emit('ticket.updated', { ticketId: t.id, changes: ['snooze'] });
    return true;
  });
}
