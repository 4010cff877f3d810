import type { EntityManager } from 'typeorm';
import { isPg } from './raw-sql';


// Postgres: the settler holds this lock alone; every other writer that changes or deletes stored
// facts (and so their share of the rollups) holds it shared, before it touches a fact row. So the
// settler never meets them on a row (it would lock facts and rollups in an order of its own, and
// theirs is another: a deadlock), two settlers never move the same links, and writers that only
// insert new facts (every command) take no lock at all. SQLite has one writer anyway.
const SETTLE_LOCK = 7_403_118;
export async function lockFactsShared(m: EntityManager): Promise<void> {
  if (isPg(m)) await m.query(`SELECT pg_advisory_xact_lock_shared(${SETTLE_LOCK})`);
}
// Only tried, never waited for: a settler queued for the lock would hold back every shared
// request behind it, and a writer that locked a ticket row before asking could then wait, through
// the settler, for another writer waiting for that ticket row. The settler tries again shortly.
export async function tryLockFactsAlone(m: EntityManager): Promise<boolean> {
  if (!isPg(m)) return true;
  const [row] = await m.query(`SELECT pg_try_advisory_xact_lock(${SETTLE_LOCK}) AS ok`);
  return row?.ok === true;
}

// Waited for: a rebuild of every rollup (after a bulk load, in tests) outlasts any settler.
export async function lockFactsAlone(m: EntityManager): Promise<void> {
  if (isPg(m)) await m.query(`SELECT pg_advisory_xact_lock(${SETTLE_LOCK})`);
}
