import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { ticketCountRepository } from '../db/repositories/ticket-count.repository';
import type { Services } from '../services';

export interface CountRepairs { tickets: number; keys: number; tags: number }

// Proves the kept inbox counts right, in bounded steps, each its own short transaction (on
// SQLite a step holds the one writer for one id window or one key, never the whole table):
//  1. tickets whose kept key is not the one their row calls for (a write that bypassed the
//     commands, a bulk load) are moved to it, `chunk` ids at a time;
//  2. every key's counter is set to the number of tickets counted under it (one index range);
//  3. every tag's counter to the number of triage tickets carrying it.
// Whatever it had to fix is logged and counted (chorus_kept_counts_repaired_total).
export async function reconcileCounts(s: Pick<Services, 'db' | 'logger' | 'metrics'>, opts: { chunk?: number } = {}): Promise<CountRepairs> {
  const chunk = opts.chunk ?? 2_000;
  const fixed: CountRepairs = { tickets: 0, keys: 0, tags: 0 };
  for (let after = 0; ;) {
    const { lastId, moved } = await s.db.transaction(async ({ m }) => {
      const w = await ticketCountRepository.driftedIn(m, after, chunk);
      return { lastId: w.lastId, moved: w.ids.length ? await ticketCountRepository.settle(m, w.ids) : [] };
    });
    if (lastId === null) break;
    if (moved.length) s.logger.warn({ tickets: moved.slice(0, 20) }, `kept counts: ${moved.length} ticket(s) were counted under a stale key; moved`);
    fixed.tickets += moved.length;
    after = lastId;
    await yieldToLoop();
  }
  for (let key = await ticketCountRepository.nextKey(s.db.m, ''); key !== null; key = await ticketCountRepository.nextKey(s.db.m, key)) {
    const k = key;
    const r = await s.db.transaction(({ m }) => ticketCountRepository.recountKey(m, k));
    if (r.kept !== r.actual) {
      s.logger.warn({ key: k, kept: r.kept, actual: r.actual }, 'kept counts: a counter had drifted; set to the recount');
      fixed.keys++;
    }
    await yieldToLoop();
  }
  for (let tag = await ticketCountRepository.nextTag(s.db.m, ''); tag !== null; tag = await ticketCountRepository.nextTag(s.db.m, tag)) {
    const t = tag;
    const r = await s.db.transaction(({ m }) => ticketCountRepository.recountTag(m, t));
    if (r.kept !== r.actual) {
      s.logger.warn({ tag: t, kept: r.kept, actual: r.actual }, 'kept counts: a tag counter had drifted; set to the recount');
      fixed.tags++;
    }
    await yieldToLoop();
  }
  for (const kind of ['tickets', 'keys', 'tags'] as const) if (fixed[kind]) s.metrics.keptCountRepairs.inc({ kind }, fixed[kind]);
  return fixed;
}
