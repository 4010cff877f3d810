import type { Db } from '../db/transaction';
import { changedTicketIds } from '../events/changed-tickets';
import { ticketCountRepository } from '../db/repositories/ticket-count.repository';

// The kept key is the ticket's status, assignee, inbox, channel, team, automatic and snoozed
// (countKeySql): a change of only its tags or priority cannot move it (tag counts follow the tag
// commands themselves).
const KEY_UNMOVED = new Set(['tags', 'priority']);

// The inbox counts follow every ticket change in the change's own transaction: one hook for
// every command (pages, API, ingest and historic imports, rules, sweeps, merges and splits),
// which moves each changed ticket from the key it was counted under to the one its row now
// calls for. A write that bypasses the commands is found by the reconciliation job.
export function keepTicketCounts(db: Db): void {
  db.keep(async (m, events) => {
    await ticketCountRepository.settle(m, changedTicketIds(events, KEY_UNMOVED));
  });
}
