import type { EventCause, Priority, Ticket } from '../../db/entities';
import { type EventRow, ticketEventRepository } from '../../db/repositories/ticket-event.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import type { Viewer } from '../../policies/viewer';
import { actorOf, type CommandDeps } from './command-deps';

// The changes a rule pass can put together: each one's whole effect is on the ticket row's
// priority or its staff-only tags.
export type AutomaticChange =
  | { kind: 'tag.add'; tag: string }
  | { kind: 'tag.remove'; tag: string }
  | { kind: 'priority'; to: Priority };

export interface CausedChange {
  cause: EventCause;
  change: AutomaticChange;
}

// Several automatic changes to one ticket, in order, as one change: one write of the tags each
// way, one count update, one write of the ticket row, and one TicketEvent per change naming the
// rule that made it (its history reads as if each ran alone; a ticket.updated per rule).
// `before` is the ticket and its tags as the caller read them in this same transaction. If the
// database holds other tags than that says (a concurrent change), this throws and changes
// nothing, so the caller can carry the changes out one by one instead (addTag, removeTag,
// changePriority), each checking for itself.
export async function applyAutomaticChanges(deps: CommandDeps, viewer: Viewer, before: { ticket: Ticket; tags: Set<string> }, items: CausedChange[]): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const t = before.ticket;
    const tags = new Set(before.tags);
    let priority = t.priority;
    const events: EventRow[] = [];
    const changed = new Map<number | string, { cause: EventCause; what: Set<string> }>();
    for (const { cause, change: c } of items) {
      if (c.kind === 'tag.add') {
        if (tags.has(c.tag)) continue;
        tags.add(c.tag);
        events.push({ type: 'tag.added', actor: actorOf(viewer, cause), data: { tag: c.tag, public: false } });
      } else if (c.kind === 'tag.remove') {
        if (!tags.delete(c.tag)) continue;
        events.push({ type: 'tag.removed', actor: actorOf(viewer, cause), data: { tag: c.tag } });
      } else {
        if (priority === c.to) continue;
        events.push({ type: 'priority', actor: actorOf(viewer, cause), data: { from: priority, to: c.to } });
        priority = c.to;
      }
      const key = `${cause.kind}:${cause.id}`;
      if (!changed.has(key)) changed.set(key, { cause, what: new Set() });
      changed.get(key)!.what.add(c.kind === 'priority' ? 'priority' : 'tags');
    }
    if (!events.length) return;
    const add = [...tags].filter((x) => !before.tags.has(x));
    const remove = [...before.tags].filter((x) => !tags.has(x));
    const done = await ticketRepository.changeTags(tx.m, t.id, add, remove);
    if (done.added.length !== add.length || done.removed.length !== remove.length) {
      throw new Error(`Ticket #${t.id}: its tags changed meanwhile`);
    }
    const now = deps.now();
    await ticketRepository.setPriorityAndUpdatedAt(tx.m, t.id, now, priority === t.priority ? undefined : priority);
    await ticketEventRepository.recordMany(tx.m, t.id, events, now);
    for (const { cause, what } of changed.values()) tx.emit('ticket.updated', { ticketId: t.id, changes: [...what], cause });
  });
}
