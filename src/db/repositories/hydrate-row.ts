import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

// For hot reads written as plain SQL (one statement carrying several things at once): the
// entity's columns selected under a prefix, and the row turned into the entity the way TypeORM's
// own hydration does (the driver's type conversions and each column's transformer). TypeORM's
// query builder spends far more time building such a statement and mapping its rows than the
// database spends running it; here the select list is built once per store and entity.
const selects = new WeakMap<object, Map<string, string>>();

export function selectColumns(m: EntityManager, target: EntityTarget<ObjectLiteral>, alias: string, prefix: string): string {
  const meta = m.connection.getMetadata(target);
  let byKey = selects.get(meta);
  if (!byKey) selects.set(meta, (byKey = new Map()));
  const key = `${alias}|${prefix}`;
  let sql = byKey.get(key);
  if (!sql) {
    sql = meta.columns.map((c) => `${alias}."${c.databaseName}" AS "${prefix}${c.databaseName}"`).join(', ');
    byKey.set(key, sql);
  }
  return sql;
}

// The entity from a row selected with selectColumns; null when its id is null (a left join that
// found nothing).
export function hydrateRow<E extends ObjectLiteral>(m: EntityManager, target: EntityTarget<E>, raw: Record<string, unknown>, prefix: string): E | null {
  const meta = m.connection.getMetadata(target);
  const primary = meta.primaryColumns[0];
  if (primary && (raw[`${prefix}${primary.databaseName}`] ?? null) === null) return null;
  const entity = meta.create() as E;
  const driver = m.connection.driver;
  for (const c of meta.columns) c.setEntityValue(entity, driver.prepareHydratedValue(raw[`${prefix}${c.databaseName}`], c));
  return entity;
}
