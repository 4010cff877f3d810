import { EntityManager } from 'typeorm';

export type ColumnKind = 'int' | 'bool' | 'bytes' | 'text' | 'float';
export interface TableInfo { name: string; columns: { name: string; kind: ColumnKind }[]; key: string[] }

const isPg = (m: EntityManager) => m.connection.options.type === 'postgres';
// Not data: the migrations ledger (the schema comes from the migrations themselves), the
// full-text index (rebuilt by its triggers from the messages), and the cluster's transient
// tables (socket.io adapter attachments, rate-limit counters, job leases), and the counters
// that tell nodes their cached copies are current (config_versions, kept by triggers), and the
// report rollups that triggers derive from report_rollups (per channel, per agent): importing
// report_rollups rebuilds them, so carrying them too would count every row twice.
const DERIVED = /^(report_channel_rollups|report_agent_rollups)$/;
const SKIP = /^(migrations|typeorm_metadata|sqlite_.*|\w+_fts(_\w+)?|socket_io_attachments|rate_limits|job_leases|config_versions|report_channel_rollups|report_agent_rollups)$/;

// A table an archive may hold (written before Chorus derived it) that an import rebuilds instead.
export const isDerivedTable = (name: string): boolean => DERIVED.test(name);

function kindOf(declared: string): ColumnKind {
  const t = declared.toLowerCase();
  if (t.includes('bool')) return 'bool';
  if (t.includes('int')) return 'int';
  if (t.includes('blob') || t.includes('bytea')) return 'bytes';
  if (t.includes('real') || t.includes('double') || t.includes('numeric') || t.includes('float') || t.includes('decimal')) return 'float';
  return 'text';
}

const q = (m: EntityManager, name: string) => (isPg(m) ? `"${name}"` : `"${name}"`);

// Every table of the instance, its columns and its key, read from the database's catalogue, so
// a table added by any migration is exported without being named here.
export const instanceArchiveRepository = {
  async tables(m: EntityManager): Promise<TableInfo[]> {
    const out: TableInfo[] = [];
    if (isPg(m)) {
      const cols: { table_name: string; column_name: string; data_type: string }[] = await m.query(
        `SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c JOIN information_schema.tables t ON t.table_name = c.table_name AND t.table_schema = c.table_schema
          WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' ORDER BY c.table_name, c.ordinal_position`);
      const keys: { table_name: string; column_name: string }[] = await m.query(
        `SELECT tc.table_name, kcu.column_name FROM information_schema.table_constraints tc JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema
          WHERE tc.table_schema = current_schema() AND tc.constraint_type = 'PRIMARY KEY' ORDER BY tc.table_name, kcu.ordinal_position`);
      for (const name of [...new Set(cols.map((c) => c.table_name))].sort()) {
        if (SKIP.test(name)) continue;
        const columns = cols.filter((c) => c.table_name === name).map((c) => ({ name: c.column_name, kind: kindOf(c.data_type) }));
        const key = keys.filter((k) => k.table_name === name).map((k) => k.column_name);
        out.push({ name, columns, key: key.length ? key : columns.map((c) => c.name) });
      }
      return out;
    }
    const names: { name: string }[] = await m.query(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`);
    for (const { name } of names) {
      if (SKIP.test(name)) continue;
      const info: { name: string; type: string; pk: number }[] = await m.query(`PRAGMA table_info("${name}")`);
      const columns = info.map((c) => ({ name: c.name, kind: kindOf(c.type) }));
      const key = info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
      out.push({ name, columns, key: key.length ? key : columns.map((c) => c.name) });
    }
    return out;
  },

  // One page of rows in key order after `after` (the previous page's last key), keyset-paged.
  async page(m: EntityManager, t: TableInfo, after: unknown[] | null, limit: number): Promise<Record<string, unknown>[]> {
    const p = (i: number) => (isPg(m) ? `$${i}` : '?');
    const cols = t.columns.map((c) => q(m, c.name)).join(', ');
    const keyList = t.key.map((k) => q(m, k)).join(', ');
    const where = after ? `WHERE (${keyList}) > (${after.map((_, i) => p(i + 1)).join(', ')})` : '';
    return m.query(`SELECT ${cols} FROM ${q(m, t.name)} ${where} ORDER BY ${keyList} LIMIT ${Number(limit)}`, after ?? []);
  },

  async count(m: EntityManager, table: string): Promise<number> {
    const [{ n }] = await m.query(`SELECT COUNT(*) AS n FROM ${q(m, table)}`);
    return Number(n);
  },

  async insertRows(m: EntityManager, t: TableInfo, rows: unknown[][]): Promise<void> {
    if (!rows.length) return;
    const cols = t.columns.map((c) => q(m, c.name)).join(', ');
    let i = 0;
    const values = rows.map((r) => `(${r.map(() => (isPg(m) ? `$${++i}` : '?')).join(', ')})`).join(', ');
    await m.query(`INSERT INTO ${q(m, t.name)} (${cols}) VALUES ${values}`, rows.flat());
  },

  // After rows arrive with their ids, each Postgres sequence continues after the highest one.
  async resetSequences(m: EntityManager, tables: TableInfo[]): Promise<void> {
    if (!isPg(m)) return;
    for (const t of tables) {
      if (!t.columns.some((c) => c.name === 'id' && c.kind === 'int')) continue;
      const [{ seq }] = await m.query(`SELECT pg_get_serial_sequence($1, 'id') AS seq`, [t.name]);
      if (seq) await m.query(`SELECT setval($1, COALESCE((SELECT MAX(id) FROM ${q(m, t.name)}), 0) + 1, false)`, [seq]);
    }
  },
};
