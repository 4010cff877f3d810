import type { EntityManager } from 'typeorm';

type Row = { name: string; stamp: string; triggers: number | string };

const isPg = (m: EntityManager) => m.connection.options.type === 'postgres';
// Stamps a statement earlier in the same SQLite transaction carried (see remember).
const known = new WeakMap<EntityManager, Map<string, string>>();

function triggersSql(pg: boolean): string {
  return pg
    ? "(SELECT COUNT(*) FROM pg_trigger g WHERE g.tgrelid = to_regclass(v.name) AND g.tgname = 'trg_' || v.name || '_version')"
    : "(SELECT COUNT(*) FROM sqlite_master s WHERE s.type = 'trigger' AND s.tbl_name = v.name AND s.name LIKE 'trg_' || v.name || '_version_%')";
}

function complete(rows: Row[], pg: boolean): Map<string, string> {
  const expected = pg ? 1 : 3;
  return new Map(rows.filter((r) => Number(r.triggers) === expected).map((r) => [r.name, r.stamp]));
}

// The stamps that triggers set afresh on every write to a watched table (migration
// 1764000040150-config-versions): an equal stamp means an unchanged table. Only a table whose
// triggers are all in place has one: a table dropped and made again (a migration rebuilding it)
// loses its triggers, and its copy must then be read afresh each time rather than trusted.
export const configVersionRepository = {
  async all(m: EntityManager): Promise<Map<string, string>> {
    const remembered = known.get(m);
    if (remembered) return remembered;
    const pg = isPg(m);
    const rows: Row[] = await m.query(`SELECT v.name AS name, v.stamp AS stamp, ${triggersSql(pg)} AS triggers FROM config_versions v`);
    return complete(rows, pg);
  },

  // SQLite only: the stamps as one JSON column, for a statement that reads them along with
  // other things at the start of a transaction (a rule pass's opening read).
  sqliteColumn(): string {
    return `(SELECT json_group_array(json_array(v.name, v.stamp, ${triggersSql(false)})) FROM config_versions v)`;
  },

  // The stamps that column carried, used by the commit hooks of the same transaction instead of
  // reading them again. Only on SQLite, where the transaction holds the database's write lock
  // from BEGIN IMMEDIATE: nobody else can set a stamp before it commits, so they are exactly
  // what a read at commit would return (provided the transaction itself writes no watched table
  // after the read; rule passes never do). On Postgres each statement sees the latest commits,
  // so the hooks read the stamps themselves, at commit.
  remember(m: EntityManager, column: string | null): void {
    if (isPg(m) || column === null || !m.queryRunner?.isTransactionActive) return;
    const rows = (JSON.parse(column) as [string, string, number][]).map(([name, stamp, triggers]) => ({ name, stamp, triggers }));
    known.set(m, complete(rows, false));
  },
};
