import { ticketEventRepository } from '../../db/repositories/ticket-event.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import type { Viewer } from '../../policies/viewer';
import { normaliseTag } from './add-tag';
import { actorOf, CommandDeps, loadTicket } from './command-deps';

export async function removeTag(deps: CommandDeps, viewer: Viewer, ticketId: number, tag: string): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const t = await loadTicket(tx.m, ticketId);
    const clean = normaliseTag(tag);
    if (!(await ticketRepository.removeTag(tx.m, t.id, clean))) return;
    await ticketRepository.update(tx.m, t.id, { updatedAt: deps.now() });
    await ticketEventRepository.record(tx.m, t.id, 'tag.removed', actorOf(viewer, deps.cause), { tag: clean }, deps.now());
    tx.emit('ticket.updated', { ticketId: t.id, changes: ['tags'], cause: deps.cause });
  });
}
