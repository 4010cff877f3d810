import type { DomainEvent } from './event-map';

// The tickets a transaction changed, from the events its commands emitted. `ignoring`: a ticket
// whose every event is a ticket.updated that changed only these (tags, priority) is left out,
// for hooks whose state does not follow them (a rule pass's tag changes move no inbox count).
export function changedTicketIds(events: DomainEvent[], ignoring?: ReadonlySet<string>): number[] {
  const ids = new Set<number>();
  const ignored = new Set<number>();
  for (const e of events) {
    const p = e.payload as { ticketId?: unknown; changes?: unknown };
    if (!(e.name.startsWith('ticket.') || e.name.startsWith('message.')) || typeof p.ticketId !== 'number') continue;
    const only = ignoring && e.name === 'ticket.updated' && Array.isArray(p.changes) && p.changes.length > 0 && p.changes.every((c) => ignoring.has(c));
    if (only) ignored.add(p.ticketId);
    else ids.add(p.ticketId);
  }
  return [...ids];
}
