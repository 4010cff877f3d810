import fs from 'node:fs';
import type { TestChorus } from './test-chorus';
import { waitFor } from './wait';

// Where a value is still stored: every text-like column of every table on Postgres; on SQLite
// the database file itself, byte for byte, after the write-ahead log is folded in and emptied
// (so free pages, index pages and the full-text index are searched too).
export async function storedAnywhere(t: TestChorus, value: string): Promise<string[]> {
  const m = t.s.db.m;
  if (t.s.db.kind === 'sqlite') {
    // The whole log into the file and the log emptied; busy while the node's checkpointer
    // worker is mid-checkpoint, so asked again until it went through.
    await waitFor(async () => Number((await m.query('PRAGMA wal_checkpoint(TRUNCATE)'))[0]?.busy ?? 0), (busy) => busy === 0);
    const file = t.dbUrl.replace(/^sqlite:/, '');
    const hits: string[] = [];
    for (const f of [file, `${file}-wal`]) if (fs.existsSync(f) && fs.readFileSync(f).includes(Buffer.from(value, 'utf8'))) hits.push(f.endsWith('-wal') ? 'sqlite wal' : 'sqlite file');
    return hits;
  }
  const cols: { table_name: string; column_name: string; data_type: string }[] = await m.query(
    `SELECT table_name, column_name, data_type FROM information_schema.columns
      WHERE table_schema = current_schema() AND data_type IN ('text', 'character varying', 'json', 'jsonb', 'bytea')`);
  const hits: string[] = [];
  for (const c of cols) {
    const expr = c.data_type === 'bytea' ? `encode("${c.column_name}", 'escape')` : `"${c.column_name}"::text`;
    const [{ n }] = await m.query(`SELECT COUNT(*) AS n FROM "${c.table_name}" WHERE strpos(${expr}, $1) > 0`, [value]);
    if (Number(n) > 0) hits.push(`${c.table_name}.${c.column_name}`);
  }
  return hits;
}
