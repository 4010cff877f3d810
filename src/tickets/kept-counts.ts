import type { Db } from '../db/transaction';
import type { DomainEvent } from '../events/event-map';
import { ticketCountRepository } from '../db/repositories/ticket-count.repository';

// The tickets a transaction changed, from the events its commands emitted.
export function changedTicketIds(events: DomainEvent[]): number[] {
  const ids = new Set<number>();
  for (const e of events) {
    const p = e.payload as { ticketId?: unknown };
    if ((e.name.startsWith('ticket.') || e.name.startsWith('message.')) && typeof p.ticketId === 'number') ids.add(p.ticketId);
  }
  return [...ids];
}

// The inbox counts follow every ticket change in the change's own transaction: one hook for
// every command (pages, API, ingest and historic imports, rules, sweeps, merges and splits),
// which moves each changed ticket from the key it was counted under to the one its row now
// calls for. A write that bypasses the commands is found by the reconciliation job.
export function keepTicketCounts(db: Db): void {
  db.keep(async (m, events) => {
    await ticketCountRepository.settle(m, changedTicketIds(events));
  });
}
