import type { Visibility } from '../../db/entities';
import { ticketEventRepository } from '../../db/repositories/ticket-event.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import { ForbiddenError } from '../../errors';
import type { Viewer } from '../../policies/viewer';
import { actorOf, type CommandDeps, loadTicket } from './command-deps';

// Takes a thread public or private in place. Only the ticket's visibility changes: each
// message keeps its own audience, so what was said to participants stays with participants
// when the thread goes public, and public posts are hidden from outsiders when it goes private.
export async function changeVisibility(deps: CommandDeps, viewer: Viewer, ticketId: number, to: Visibility): Promise<void> {
  if (viewer.kind !== 'agent') throw new ForbiddenError('Only agents can change who may read a thread.');
  await deps.db.transaction(async (tx) => {
    const t = await loadTicket(tx.m, ticketId);
    if (t.visibility === to) return;
    const now = deps.now();
    await ticketRepository.update(tx.m, t.id, { visibility: to, updatedAt: now });
    await ticketEventRepository.record(tx.m, t.id, 'audience', actorOf(viewer, deps.cause), { from: t.visibility, to }, now);
    tx.emit('ticket.updated', { ticketId: t.id, changes: ['visibility'], cause: deps.cause });
  });
}
