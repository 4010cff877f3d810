import type { RawItem } from '../../channels/inbound-message';
import type { Inbox } from '../../db/entities';
import { inboundItemRepository } from '../../db/repositories/inbound-item.repository';
import type { IngestDeps } from '../context';

export interface Recorded {
  id: number;
  key: string;
  // true when the same key was recorded before (a redelivery).
  duplicate: boolean;
  state: string;
}

// A recorded item still to process: new, left `received` by a crash, or failed before.
export function unfinished(r: Recorded): boolean {
  return r.state === 'received' || r.state === 'failed';
}

// Step 1: write the ledger rows. Nothing may be acknowledged to a sender before this commits.
// The unique idempotency key makes a redelivery — sequential or concurrent — find the first row.
export async function recordItems(deps: IngestDeps, inbox: Inbox, items: RawItem[]): Promise<Recorded[]> {
  const out: Recorded[] = [];
  for (const it of items) {
    const key = `${inbox.id}:${it.key}`;
    const existing = await inboundItemRepository.findByKey(deps.db.m, key);
    if (existing) {
      out.push({ id: existing.id, key, duplicate: true, state: existing.state });
      continue;
    }
    try {
      const id = await deps.db.transaction(({ m }) =>
        inboundItemRepository.insert(m, {
          inboxId: inbox.id, channel: inbox.channel, idempotencyKey: key, state: 'received', error: null, raw: it.raw,
          rawType: it.rawType, historic: !!it.historic, ticketId: null, messageId: null, flags: null, attempts: 0, receivedAt: deps.now(), processedAt: null,
        }),
      );
      out.push({ id, key, duplicate: false, state: 'received' });
    } catch (err) {
      if (!deps.db.isUniqueViolation(err)) throw err;
      const row = await inboundItemRepository.findByKey(deps.db.m, key);
      if (!row) throw err;
      out.push({ id: row.id, key, duplicate: true, state: row.state });
    }
  }
  return out;
}
