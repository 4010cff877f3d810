import type { RawItem } from '../../channels/inbound-message';
import type { Inbox } from '../../db/entities';
import type { Db } from '../../db/transaction';
import type { IngestDeps } from '../context';
import { LedgerBatcher, type Recorded } from '../ledger-batch';

export type { Recorded };

// A recorded item still to process: new, left `received` by a crash, or failed before.
export function unfinished(r: Recorded): boolean {
  return r.state === 'received' || r.state === 'failed';
}

// One group-commit queue per database, whichever pipeline (or node in this process) records.
const batchers = new WeakMap<Db, LedgerBatcher>();

// Step 1: write the ledger rows. Nothing may be acknowledged to a sender before this commits.
// Concurrent senders share one transaction (ledger-batch.ts); the unique idempotency key makes
// a redelivery — sequential or concurrent — find the first row.
export function recordItems(deps: IngestDeps, inbox: Inbox, items: RawItem[], opts: { claim?: boolean } = {}): Promise<Recorded[]> {
  let b = batchers.get(deps.db);
  if (!b) batchers.set(deps.db, (b = new LedgerBatcher(deps.db)));
  return b.record(inbox, items, deps.now, opts);
}
