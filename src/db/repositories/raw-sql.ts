import type { EntityManager } from 'typeorm';

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
