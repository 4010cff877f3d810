import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { returnedRows } from './raw-sql';

// Inserts one row and returns its generated id, in one statement. TypeORM's own insert reads
// back every column that has a database default after each insert on SQLite (which it drives
// without RETURNING) — a second statement per row, five of them on each new ticket's path. The
// callers here pass every value they need and use only the id: on SQLite it is the statement's
// last row id, on Postgres `RETURNING id`.
export async function insertForId<E extends ObjectLiteral>(m: EntityManager, target: EntityTarget<E>, row: QueryDeepPartialEntity<E>): Promise<number> {
  const qb = m.createQueryBuilder().insert().into(target).values(row).updateEntity(false);
  if (m.connection.driver.options.type === 'postgres') {
    const r = await qb.returning('id').execute();
    return Number((r.raw as { id: number | string }[])[0].id);
  }
  return Number((await qb.execute()).raw);
}

// The same for a row whose key the caller already knows (a composite key): no read-back.
export async function insertRow<E extends ObjectLiteral>(m: EntityManager, target: EntityTarget<E>, row: QueryDeepPartialEntity<E>): Promise<void> {
  await m.createQueryBuilder().insert().into(target).values(row).updateEntity(false).execute();
}

// Inserts one row unless it collides with a unique key, in one statement on both stores
// (ON CONFLICT DO NOTHING … RETURNING id): its id, or null when a row with that key is already
// there (on Postgres, after waiting for a concurrent insert of the same key to commit or roll
// back). TypeORM adds no RETURNING on SQLite, so it is appended to the builder's own SQL, whose
// parameters are prepared as for any insert.
export async function insertUnlessPresent<E extends ObjectLiteral>(m: EntityManager, target: EntityTarget<E>, row: QueryDeepPartialEntity<E>): Promise<number | null> {
  const [sql, params] = m.createQueryBuilder().insert().into(target).values(row).orIgnore().updateEntity(false).getQueryAndParameters();
  const rows = returnedRows<{ id: number | string }>(m, await m.query(`${sql.trimEnd()} RETURNING id`, params));
  return rows.length ? Number(rows[0].id) : null;
}
