import type { RawItem } from '../channels/inbound-message';
import type { InboundItem, Inbox } from '../db/entities';
import type { Db } from '../db/transaction';
import { inboundItemRepository } from '../db/repositories/inbound-item.repository';

export interface Recorded {
  id: number;
  key: string;
  // true when the same key was recorded before (a redelivery).
  duplicate: boolean;
  state: string;
  // A new row the recording worker asked to hold (record with `claim`): it is born claimed by
  // attempt 1, in the ledger's own commit, and this is the row as written, so the worker goes on
  // to the steps without a claim write or a read of its own.
  claimed?: InboundItem;
}

interface Waiter {
  inbox: Inbox;
  items: RawItem[];
  // The receive time comes from the caller's clock (tests run pipelines on their own clocks).
  now: () => number;
  claim: boolean;
  resolve: (r: Recorded[]) => void;
  reject: (err: unknown) => void;
}

// Group commit for the ledger: the rows of every sender waiting while one commit runs go into
// the next transaction together, and each sender is answered only once that transaction has
// committed. No timer: an idle ledger commits a lone item at once; a busy one pays one commit per
// group instead of one per item. If the group's transaction fails, it is run again with one
// transaction per sender, so one bad item fails only its own sender; a failing commit rejects
// every waiter of that commit, and nothing of it is acknowledged.
export class LedgerBatcher {
  private queue: Waiter[] = [];
  private flushing = false;

  constructor(private readonly db: Db) {}

  record(inbox: Inbox, items: RawItem[], now: () => number, opts: { claim?: boolean } = {}): Promise<Recorded[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ inbox, items, now, claim: !!opts.claim, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length) {
        const group = this.queue.splice(0);
        let results: Recorded[][] | null = null;
        try {
          results = await this.db.transaction(async ({ m }) => writeGroup(m, group));
        } catch {
          results = null;
        }
        if (results) {
          group.forEach((w, i) => w.resolve(results![i]));
          continue;
        }
        // Alone, each sender gets its own outcome (a unique race is a duplicate again there).
        for (const w of group) {
          try {
            w.resolve(await recordAlone(this.db, w));
          } catch (err) {
            w.reject(err);
          }
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}

type M = Parameters<typeof inboundItemRepository.insert>[0];

// One transaction's rows, each inserted unless its key is already there: one statement per new
// item; a known key (a redelivery, or a key repeated within the group) is then read back and
// reported as a duplicate.
async function writeGroup(m: M, group: Waiter[]): Promise<Recorded[][]> {
  const out: Recorded[][] = [];
  for (const w of group) {
    const rows: Recorded[] = [];
    for (const it of w.items) {
      const key = `${w.inbox.id}:${it.key}`;
      rows.push((await insertRow(m, w, it, key, w.now())) ?? (await known(m, key)));
    }
    out.push(rows);
  }
  return out;
}

async function known(m: M, key: string): Promise<Recorded> {
  const before = await inboundItemRepository.findByKey(m, key);
  // Inserting said the key exists; not finding it now means the row went meanwhile (retention).
  if (!before) throw new Error(`The ledger row for ${key} is neither new nor there`);
  return { id: before.id, key, duplicate: true, state: before.state };
}

async function insertRow(m: M, w: Waiter, it: RawItem, key: string, at: number): Promise<Recorded | null> {
  const row: Omit<InboundItem, 'id'> = {
    inboxId: w.inbox.id, channel: w.inbox.channel, idempotencyKey: key, state: 'received', error: null, raw: it.raw,
    rawType: it.rawType, historic: !!it.historic, ticketId: null, messageId: null, flags: null, attempts: w.claim ? 1 : 0,
    receivedAt: at, processedAt: null, claimedAt: w.claim ? at : null, retryAt: null,
  };
  const id = await inboundItemRepository.insertUnlessKnown(m, row);
  if (id === null) return null;
  return { id, key, duplicate: false, state: 'received', claimed: w.claim ? { ...row, id } : undefined };
}

// The one-sender path (also the fallback): one transaction per item, as before group commit.
async function recordAlone(db: Db, w: Waiter): Promise<Recorded[]> {
  const out: Recorded[] = [];
  for (const it of w.items) {
    const key = `${w.inbox.id}:${it.key}`;
    out.push(await db.transaction(async ({ m }) => (await insertRow(m, w, it, key, w.now())) ?? (await known(m, key))));
  }
  return out;
}
