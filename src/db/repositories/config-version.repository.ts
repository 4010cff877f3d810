import type { DataSource, EntityManager } from 'typeorm';

const isPg = (m: EntityManager) => m.connection.options.type === 'postgres';
// Stamps a statement earlier in the same SQLite transaction carried (see remember).
const known = new WeakMap<EntityManager, Map<string, string>>();
// SQLite: which watched tables have all their triggers, as of a schema version (SQLite counts
// every schema change in it): the schema is searched again only when it changed.
const checked = new WeakMap<DataSource, { schema: number; complete: Set<string> }>();

function triggersSql(pg: boolean): string {
  return pg
    ? "(SELECT COUNT(*) FROM pg_trigger g WHERE g.tgrelid = to_regclass(v.name) AND g.tgname = 'trg_' || v.name || '_version')"
    : "(SELECT COUNT(*) FROM sqlite_master s WHERE s.type = 'trigger' AND s.tbl_name = v.name AND s.name LIKE 'trg_' || v.name || '_version_%')";
}

function sqliteComplete(m: EntityManager, schema: number): Set<string> | undefined {
  const c = checked.get(m.connection);
  return c && c.schema === schema ? c.complete : undefined;
}

// The stamps that triggers set afresh on every write to a watched table (migration
// 1764000040150-config-versions): an equal stamp means an unchanged table. Only a table whose
// triggers are all in place has one: a table dropped and made again (a migration rebuilding it)
// loses its triggers, and its copy must then be read afresh each time rather than trusted.
export const configVersionRepository = {
  async all(m: EntityManager): Promise<Map<string, string>> {
    const remembered = known.get(m);
    if (remembered) return remembered;
    if (isPg(m)) {
      const rows: { name: string; stamp: string; triggers: number | string }[] = await m.query(`SELECT v.name AS name, v.stamp AS stamp, ${triggersSql(true)} AS triggers FROM config_versions v`);
      return new Map(rows.filter((r) => Number(r.triggers) === 1).map((r) => [r.name, r.stamp]));
    }
    const rows: { name: string; stamp: string; schema: number }[] = await m.query('SELECT v.name AS name, v.stamp AS stamp, p.schema_version AS schema FROM config_versions v, pragma_schema_version() p');
    if (!rows.length) return new Map();
    let complete = sqliteComplete(m, Number(rows[0].schema));
    if (!complete) {
      const t: { name: string; triggers: number }[] = await m.query(`SELECT v.name AS name, ${triggersSql(false)} AS triggers FROM config_versions v`);
      complete = new Set(t.filter((r) => Number(r.triggers) === 3).map((r) => r.name));
      checked.set(m.connection, { schema: Number(rows[0].schema), complete });
    }
    return new Map(rows.filter((r) => complete.has(r.name)).map((r) => [r.name, r.stamp]));
  },

  // SQLite only: the stamps as one JSON column, for a statement that reads them along with
  // other things at the start of a transaction (a rule pass's opening read).
  sqliteColumn(): string {
    return '(SELECT json_group_array(json_array(v.name, v.stamp, p.schema_version)) FROM config_versions v, pragma_schema_version() p)';
  },

  // The stamps that column carried, used by the commit hooks of the same transaction instead of
  // reading them again. Only on SQLite, where the transaction holds the database's write lock
  // from BEGIN IMMEDIATE: nobody else can set a stamp before it commits, so they are exactly
  // what a read at commit would return (provided the transaction itself writes no watched table
  // after the read; rule passes never do). On Postgres each statement sees the latest commits,
  // so the hooks read the stamps themselves, at commit. Not used when the schema changed since
  // the triggers were last looked at (the commit's own read looks again).
  remember(m: EntityManager, column: string | null): void {
    if (isPg(m) || column === null || !m.queryRunner?.isTransactionActive) return;
    const rows = JSON.parse(column) as [string, string, number][];
    if (!rows.length) return;
    const complete = sqliteComplete(m, Number(rows[0][2]));
    if (complete) known.set(m, new Map(rows.filter(([name]) => complete.has(name)).map(([name, stamp]) => [name, stamp])));
  },
};
