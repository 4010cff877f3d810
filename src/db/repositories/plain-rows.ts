import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { bindInteger, isPg, returnedRows } from './raw-sql';

// Plain SQL for the statements every message runs, with TypeORM's metadata and its driver's value
// conversions but without its query builder (which rebuilt, re-escaped and re-mapped each
// statement at several times the statement's own cost). Values go in through
// `preparePersistentValue` and come out through `prepareHydratedValue`, as with any entity read
// or write (times, JSON, booleans).

export type Bind = (value: unknown) => string;

// A placeholder per value, in order, for the store at hand; `params` is what to pass with the SQL.
export function binder(m: EntityManager): { bind: Bind; params: unknown[] } {
  const pg = isPg(m);
  const params: unknown[] = [];
  return { params, bind: (v) => (params.push(pg ? v : bindInteger(v)), pg ? `$${params.length}` : '?') };
}

export function columnsOf(m: EntityManager, target: EntityTarget<ObjectLiteral>, only?: string[]): ColumnMetadata[] {
  return m.connection.getMetadata(target).columns.filter((c) => !only || only.includes(c.propertyName));
}

export function selectList(columns: ColumnMetadata[], alias: string): string {
  return columns.map((c) => `"${alias}"."${c.databaseName}" AS "${alias}_${c.databaseName}"`).join(', ');
}

// An entity's whole column list and its select list under `alias`, built once per data source
// (the statements that use it run on every page or message).
const selects = new WeakMap<object, Map<string, { columns: ColumnMetadata[]; sql: string }>>();
export function selectOf(m: EntityManager, target: EntityTarget<ObjectLiteral>, alias: string): { columns: ColumnMetadata[]; sql: string } {
  const meta = m.connection.getMetadata(target);
  let byKey = selects.get(m.connection);
  if (!byKey) selects.set(m.connection, (byKey = new Map()));
  const key = `${meta.name}\u0000${alias}`;
  let hit = byKey.get(key);
  if (!hit) {
    const columns = columnsOf(m, target);
    byKey.set(key, (hit = { columns, sql: selectList(columns, alias) }));
  }
  return hit;
}

// One entity from a row read with selectList's aliases; null when its id column is null (an outer join's miss).
export function hydrate<E extends ObjectLiteral>(m: EntityManager, Entity: new () => E, columns: ColumnMetadata[], alias: string, row: Record<string, unknown>): E | null {
  const idCol = columns.find((c) => c.propertyName === 'id');
  if (idCol && row[`${alias}_${idCol.databaseName}`] === null) return null;
  const e = new Entity() as Record<string, unknown>;
  for (const c of columns) e[c.propertyName] = m.connection.driver.prepareHydratedValue(row[`${alias}_${c.databaseName}`], c);
  return e as E;
}

// UPDATE … SET the patch's columns WHERE `where`: how many rows it changed (read from RETURNING id).
export async function updateWhere<E extends ObjectLiteral>(m: EntityManager, target: EntityTarget<E>, patch: Partial<E>, where: (bind: Bind) => string): Promise<number> {
  const meta = m.connection.getMetadata(target);
  const { bind, params } = binder(m);
  const sets: string[] = [];
  for (const c of meta.columns) {
    const v = (patch as Record<string, unknown>)[c.propertyName];
    if (v === undefined) continue;
    sets.push(`"${c.databaseName}" = ${bind(m.connection.driver.preparePersistentValue(v, c))}`);
  }
  const sql = `UPDATE "${meta.tableName}" SET ${sets.join(', ')} WHERE ${where(bind)} RETURNING "id"`;
  return returnedRows(m, await m.query(sql, params)).length;
}
