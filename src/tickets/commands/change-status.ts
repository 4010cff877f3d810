import type { TicketStatus } from '../../db/entities';
import { ticketEventRepository } from '../../db/repositories/ticket-event.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import { ConflictError } from '../../errors';
import type { Viewer } from '../../policies/viewer';
import { canMoveStatus } from '../status-rules';
import { actorOf, factActor, CommandDeps, loadTicket } from './command-deps';
import { factsWriter } from '../../reports/facts-writer';
import { scheduleSurvey } from '../../csat/commands/schedule-survey';

export async function changeStatus(deps: CommandDeps, viewer: Viewer, ticketId: number, to: TicketStatus): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const t = await loadTicket(tx.m, ticketId);
    if (t.status === to) return;
    if (!canMoveStatus(t.status, to)) throw new ConflictError(`A ${t.status} ticket cannot become ${to}.`, { from: t.status, to });
    const now = deps.now();
    await ticketRepository.update(tx.m, t.id, { status: to, updatedAt: now, solvedAt: to === 'solved' ? now : to === 'closed' ? t.solvedAt ?? now : null });
    await ticketEventRepository.record(tx.m, t.id, 'status', actorOf(viewer, deps.cause), { from: t.status, to }, now);
    await factsWriter.statusChanged(tx.m, t, t.status, to, now, factActor(viewer));
    // A solved or closed ticket has nothing to wake up for.
    const changes = ['status'];
    if (t.snoozed && (to === 'solved' || to === 'closed') && (await ticketRepository.clearSnooze(tx.m, t.id, now))) {
      await ticketEventRepository.record(tx.m, t.id, 'unsnoozed', actorOf(viewer, deps.cause), { mode: t.snoozed, until: t.snoozedUntil, reason: to }, now);
      changes.push('snooze');
    }
    const survey = to === 'solved' ? await scheduleSurvey(tx.m, t, now) : null;
    if (survey) tx.emit('csat.scheduled', { ticketId: t.id, surveyId: survey });
    tx.emit('ticket.updated', { ticketId: t.id, changes, cause: deps.cause });
  });
}
