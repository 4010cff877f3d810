import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import type { DataSource } from 'typeorm';
import { migrations } from '../../../migrations';
import { isDerivedTable, instanceArchiveRepository, type TableInfo } from '../../db/repositories/instance-archive.repository';
import { ARCHIVE_FORMAT, type Manifest } from './instance-export';
import { settleFactsIn } from '../../reports/settle-facts';

const BATCH = 200;

export interface ImportProgress { table: string; rows: number; totalRows: number; doneRows: number }

// Restores an archive made by exportInstance into an empty database of the same Chorus
// version (its migrations already run). Rows keep their ids; Postgres sequences continue
// after them; the full-text index fills itself from the messages as they arrive.
export async function importInstance(ds: DataSource, dir: string, onProgress: (p: ImportProgress) => void = () => {}): Promise<{ tables: number; rows: number }> {
  const manifestFile = path.join(dir, 'manifest.json');
  if (!fs.existsSync(manifestFile)) throw new Error(`${dir} has no manifest.json: not a Chorus archive.`);
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Manifest;
  if (manifest.format !== ARCHIVE_FORMAT) throw new Error(`${dir} is not a Chorus archive.`);
  if (!manifest.finishedAt) throw new Error(`The archive in ${dir} is unfinished: run archive:export with --out ${dir} again to complete it.`);
  const known = new Set(migrations.map((x) => x.name));
  const newer = manifest.schema.filter((n) => !known.has(n));
  if (newer.length) throw new Error(`The archive comes from a newer Chorus (migrations ${newer.join(', ')}); upgrade before importing.`);
  const m = ds.manager;
  const tables = new Map((await instanceArchiveRepository.tables(m)).map((t) => [t.name, t]));
  // An archive from before a table became derived still carries it: the import rebuilds it.
  for (const name of Object.keys(manifest.tables)) if (isDerivedTable(name)) delete manifest.tables[name];
  for (const name of Object.keys(manifest.tables)) if (!tables.has(name)) throw new Error(`The archive has a table ${name} this Chorus does not know.`);
  const busy: string[] = [];
  for (const name of Object.keys(manifest.tables)) if ((await instanceArchiveRepository.count(m, name)) > 0) busy.push(name);
  if (busy.length) throw new Error(`The database is not empty (${busy.slice(0, 5).join(', ')}${busy.length > 5 ? ', …' : ''} hold rows): import into a new, empty database.`);

  const totalRows = Object.values(manifest.tables).reduce((a, s) => a + s.rows, 0);
  let doneRows = 0;
  for (const [name, state] of Object.entries(manifest.tables)) {
    const target = tables.get(name)!;
    let batch: Record<string, unknown>[] = [];
    let rows = 0;
    const flush = async () => {
      if (!batch.length) return;
      const cols = Object.keys(batch[0]);
      const missing = cols.filter((c) => !target.columns.some((x) => x.name === c));
      if (missing.length) throw new Error(`The archive's ${name} has columns ${missing.join(', ')} this Chorus does not know.`);
      const sub: TableInfo = { ...target, columns: cols.map((c) => target.columns.find((x) => x.name === c)!) };
      const values = batch.map((r) => sub.columns.map((c) => toDb(ds, dir, c.kind, r[c.name])));
      await ds.transaction((tx) => instanceArchiveRepository.insertRows(tx, sub, values));
      rows += batch.length;
      doneRows += batch.length;
      batch = [];
      onProgress({ table: name, rows, totalRows, doneRows });
    };
    const lines = readline.createInterface({ input: fs.createReadStream(path.join(dir, state.file)), crlfDelay: Infinity });
    for await (const line of lines) {
      if (!line) continue;
      batch.push(JSON.parse(line) as Record<string, unknown>);
      if (batch.length >= BATCH) await flush();
    }
    await flush();
    if (rows !== state.rows) throw new Error(`${state.file} holds ${rows} rows but the manifest says ${state.rows}: the archive is damaged.`);
  }
  await instanceArchiveRepository.resetSequences(m, [...tables.values()]);
  // Facts the archive holds unsettled are counted now, so the restored reports are whole.
  await settleFactsIn(ds);
  return { tables: Object.keys(manifest.tables).length, rows: doneRows };
}

function toDb(ds: DataSource, dir: string, kind: string, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (kind === 'bytes') return fs.readFileSync(path.join(dir, (v as { $file: string }).$file));
  if (kind === 'bool') return ds.options.type === 'postgres' ? v : v ? 1 : 0;
  return v;
}
