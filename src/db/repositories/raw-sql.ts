import type { Statement } from 'better-sqlite3';
import type { EntityManager } from 'typeorm';
import { sqliteConnectionOf } from '../sqlite-connection';

// What the repositories that write their own SQL need to know of the two drivers.
export const isPg = (m: EntityManager): boolean => m.connection.driver.options.type === 'postgres';

// Rows of an UPDATE/DELETE … RETURNING: Postgres's driver answers [rows, count] for those,
// better-sqlite3 the rows alone.
export function returnedRows<T>(m: EntityManager, result: unknown): T[] {
  if (isPg(m) && Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return (result ?? []) as T[];
}

// A parameter of plain SQL for SQLite: integers as BigInt, which better-sqlite3 binds as INTEGER
// (as TypeORM's own statements are bound, see sqlite-bound-integers.ts); anything else as it is.
export const bindInteger = (v: unknown): unknown => (typeof v === 'number' && Number.isSafeInteger(v) ? BigInt(v) : v);

const prepared = new WeakMap<object, Map<string, Statement>>();
// Distinct statements kept per connection (a read's SQL varies with the length of its IN list).
const PREPARED_MAX = 256;

// A read's rows at once on SQLite, or null on Postgres (read through TypeORM there). better-sqlite3
// runs every statement synchronously anyway; going through TypeORM's async query adds several
// turns of the microtask queue, in which every other listener of the same event runs first.
// Live delivery reads this way so that reading, presenting and sending a message happen in one
// go (0.3-0.45 ms of its 1 ms before the emit at 2,000 sockets). Same connection, same snapshot
// rules as TypeORM's own reads.
export function readNowOnSqlite<T>(m: EntityManager, sql: string, params: unknown[]): T[] | null {
  const raw = sqliteConnectionOf(m.connection);
  if (!raw) return null;
  let cache = prepared.get(raw);
  if (!cache) prepared.set(raw, (cache = new Map()));
  let statement = cache.get(sql);
  if (!statement) {
    if (cache.size >= PREPARED_MAX) cache.clear();
    statement = raw.prepare(sql);
    cache.set(sql, statement);
  }
  return statement.all(...params) as T[];
}
