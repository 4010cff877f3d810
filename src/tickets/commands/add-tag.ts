import { ticketEventRepository } from '../../db/repositories/ticket-event.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import type { Viewer } from '../../policies/viewer';
import { actorOf, CommandDeps, loadTicket } from './command-deps';

export function normaliseTag(tag: string): string {
  return tag.trim().toLowerCase().replace(/\s+/g, '-');
}

// Tags are staff-only unless `public` is set (a community topic shown on customer and public
// pages). Adding a tag the ticket has already with a different `public` changes only that.
export async function addTag(deps: CommandDeps, viewer: Viewer, ticketId: number, tag: string, opts: { public?: boolean } = {}): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const t = await loadTicket(tx.m, ticketId);
    const clean = normaliseTag(tag);
    const now = deps.now();
    if (await ticketRepository.addTag(tx.m, t.id, clean, opts.public ?? false)) {
      await ticketEventRepository.record(tx.m, t.id, 'tag.added', actorOf(viewer, deps.cause), { tag: clean, public: opts.public ?? false }, now);
    } else if (opts.public !== undefined && (await ticketRepository.setTagPublic(tx.m, t.id, clean, opts.public))) {
      await ticketEventRepository.record(tx.m, t.id, opts.public ? 'tag.made_public' : 'tag.made_internal', actorOf(viewer, deps.cause), { tag: clean }, now);
    } else {
      return;
    }
    await ticketRepository.update(tx.m, t.id, { updatedAt: now });
    tx.emit('ticket.updated', { ticketId: t.id, changes: ['tags'], cause: deps.cause });
  });
}
