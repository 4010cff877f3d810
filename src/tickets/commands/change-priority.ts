import type { Priority } from '../../db/entities';
import { ticketEventRepository } from '../../db/repositories/ticket-event.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import type { Viewer } from '../../policies/viewer';
import { actorOf, CommandDeps, loadTicket } from './command-deps';

export async function changePriority(deps: CommandDeps, viewer: Viewer, ticketId: number, to: Priority): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const t = await loadTicket(tx.m, ticketId);
    if (t.priority === to) return;
    const now = deps.now();
    await ticketRepository.update(tx.m, t.id, { priority: to, updatedAt: now });
    await ticketEventRepository.record(tx.m, t.id, 'priority', actorOf(viewer, deps.cause), { from: t.priority, to }, now);
    tx.emit('ticket.updated', { ticketId: t.id, changes: ['priority'], cause: deps.cause });
  });
}
