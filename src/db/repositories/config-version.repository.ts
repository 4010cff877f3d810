import type { EntityManager } from 'typeorm';

// The stamps that triggers set afresh on every write to a watched table (migration
// 1764000040150-config-versions): an equal stamp means an unchanged table. Only a table whose
// triggers are all in place has one: a table dropped and made again (a migration rebuilding it)
// loses its triggers, and its copy must then be read afresh each time rather than trusted.
export const configVersionRepository = {
  async all(m: EntityManager): Promise<Map<string, string>> {
    const pg = m.connection.options.type === 'postgres';
    const triggers = pg
      ? "(SELECT COUNT(*) FROM pg_trigger g WHERE g.tgrelid = to_regclass(v.name) AND g.tgname = 'trg_' || v.name || '_version')"
      : "(SELECT COUNT(*) FROM sqlite_master s WHERE s.type = 'trigger' AND s.tbl_name = v.name AND s.name LIKE 'trg_' || v.name || '_version_%')";
    const rows: { name: string; stamp: string; triggers: number | string }[] = await m.query(`SELECT v.name AS name, v.stamp AS stamp, ${triggers} AS triggers FROM config_versions v`);
    const expected = pg ? 1 : 3;
    return new Map(rows.filter((r) => Number(r.triggers) === expected).map((r) => [r.name, r.stamp]));
  },
};
