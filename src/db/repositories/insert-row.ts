import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { binder } from './plain-rows';
import { isPg, returnedRows } from './raw-sql';

// Single-row inserts as plain SQL, one statement text per table built once from the entity's
// metadata, each value prepared by the driver as TypeORM's own insert prepares it (transformers,
// JSON, booleans). The query builder rebuilt and re-escaped the whole statement on every insert,
// a cost several times the insert itself on the ingest path (eight inserts per new ticket); and on
// SQLite TypeORM reads back every column with a database default after each insert, a second
// statement per row. A value left undefined is written as NULL, as TypeORM does on SQLite; a row
// that leaves out a column with an entity default goes through the builder instead, so nothing
// changes for it.
interface Plan { table: string; columns: ColumnMetadata[] }
const plans = new WeakMap<object, Map<EntityTarget<ObjectLiteral>, Plan>>();

function planFor(m: EntityManager, target: EntityTarget<ObjectLiteral>): Plan {
  let perSource = plans.get(m.connection);
  if (!perSource) plans.set(m.connection, (perSource = new Map()));
  let plan = perSource.get(target);
  if (!plan) {
    const meta = m.connection.getMetadata(target);
    const columns = meta.columns.filter((c) => !(c.isGenerated && c.generationStrategy === 'increment'));
    plan = { table: meta.tableName, columns };
    perSource.set(target, plan);
  }
  return plan;
}

// The statement and its parameters, or null when the builder must do it (an entity default to fill in).
function plainInsert(m: EntityManager, target: EntityTarget<ObjectLiteral>, row: ObjectLiteral, tail: string): [string, unknown[]] | null {
  const plan = planFor(m, target);
  const { bind, params } = binder(m);
  const marks: string[] = [];
  for (const c of plan.columns) {
    const v = row[c.propertyName];
    if (v === undefined && c.default !== undefined && c.default !== null) return null;
    marks.push(bind(v === undefined ? null : m.connection.driver.preparePersistentValue(v, c)));
  }
  return [`INSERT INTO "${plan.table}" (${plan.columns.map((c) => `"${c.databaseName}"`).join(', ')}) VALUES (${marks.join(', ')})${tail}`, params];
}

// Inserts one row and returns its generated id, in one statement (RETURNING id on both stores).
export async function insertForId<E extends ObjectLiteral>(m: EntityManager, target: EntityTarget<E>, row: QueryDeepPartialEntity<E>): Promise<number> {
  const plain = plainInsert(m, target as EntityTarget<ObjectLiteral>, row as ObjectLiteral, ' RETURNING "id"');
  if (plain) return Number(returnedRows<{ id: number | string }>(m, await m.query(...plain))[0].id);
  const qb = m.createQueryBuilder().insert().into(target).values(row).updateEntity(false);
  if (isPg(m)) {
    const r = await qb.returning('id').execute();
    return Number((r.raw as { id: number | string }[])[0].id);
  }
  return Number((await qb.execute()).raw);
}

// The same for a row whose key the caller already knows (a composite key): no read-back.
export async function insertRow<E extends ObjectLiteral>(m: EntityManager, target: EntityTarget<E>, row: QueryDeepPartialEntity<E>): Promise<void> {
  const plain = plainInsert(m, target as EntityTarget<ObjectLiteral>, row as ObjectLiteral, '');
  if (plain) await m.query(...plain);
  else await m.createQueryBuilder().insert().into(target).values(row).updateEntity(false).execute();
}

// Inserts one row unless it collides with a unique key, in one statement on both stores
// (ON CONFLICT DO NOTHING … RETURNING id): its id, or null when a row with that key is already
// there (on Postgres, after waiting for a concurrent insert of the same key to commit or roll
// back).
export async function insertUnlessPresent<E extends ObjectLiteral>(m: EntityManager, target: EntityTarget<E>, row: QueryDeepPartialEntity<E>): Promise<number | null> {
  const plain = plainInsert(m, target as EntityTarget<ObjectLiteral>, row as ObjectLiteral, ' ON CONFLICT DO NOTHING RETURNING "id"')
    // TypeORM adds no RETURNING on SQLite: it is appended to the builder's own SQL.
    ?? (() => {
      const [sql, params] = m.createQueryBuilder().insert().into(target).values(row).orIgnore().updateEntity(false).getQueryAndParameters();
      return [`${sql.trimEnd()} RETURNING id`, params] as [string, unknown[]];
    })();
  const rows = returnedRows<{ id: number | string }>(m, await m.query(...plain));
  return rows.length ? Number(rows[0].id) : null;
}
