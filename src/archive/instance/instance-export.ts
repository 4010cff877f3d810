import fs from 'node:fs';
import path from 'node:path';
import type { EntityManager } from 'typeorm';
import { migrations } from '../../../migrations';
import { instanceArchiveRepository, type TableInfo } from '../../db/repositories/instance-archive.repository';

// The whole instance as a directory: manifest.json, one JSONL file per table (rows in key
// order, values normalised so SQLite and Postgres write the same bytes), and binary columns
// (attachment bytes) as files beside them. The manifest is rewritten after every page, so an
// interrupted export started again with the same directory carries on where it stopped.
export const ARCHIVE_FORMAT = 'chorus-instance-archive';
const PAGE = 1000;

export interface TableState { file: string; rows: number; bytes: number; lastKey: unknown[] | null; done: boolean }
export interface Manifest { format: string; version: 1; schema: string[]; startedAt: string; finishedAt: string | null; tables: Record<string, TableState> }
export interface ExportProgress { table: string; rows: number; totalRows: number; doneRows: number }

export function normalise(t: TableInfo, row: Record<string, unknown>, fileFor: (col: string, bytes: Buffer) => string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of t.columns) {
    const v = row[c.name];
    if (v === null || v === undefined) out[c.name] = null;
    else if (c.kind === 'int' || c.kind === 'float') out[c.name] = Number(v);
    else if (c.kind === 'bool') out[c.name] = v === true || v === 1 || v === '1' || v === 't';
    else if (c.kind === 'bytes') out[c.name] = { $file: fileFor(c.name, Buffer.isBuffer(v) ? v : Buffer.from(v as Uint8Array)) };
    else out[c.name] = String(v);
  }
  return out;
}

const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 120);

function writeManifest(dir: string, m: Manifest): void {
  const tmp = path.join(dir, 'manifest.json.tmp');
  fs.writeFileSync(tmp, `${JSON.stringify(m, null, 2)}\n`);
  fs.renameSync(tmp, path.join(dir, 'manifest.json'));
}

export async function exportInstance(m: EntityManager, dir: string, onProgress: (p: ExportProgress) => void = () => {}): Promise<Manifest> {
  fs.mkdirSync(path.join(dir, 'tables'), { recursive: true });
  const schema = migrations.map((x) => x.name);
  const manifestFile = path.join(dir, 'manifest.json');
  let manifest: Manifest = { format: ARCHIVE_FORMAT, version: 1, schema, startedAt: new Date().toISOString(), finishedAt: null, tables: {} };
  if (fs.existsSync(manifestFile)) {
    const previous = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Manifest;
    if (previous.format !== ARCHIVE_FORMAT) throw new Error(`${dir} holds something other than a Chorus archive; choose an empty directory.`);
    if (previous.finishedAt) throw new Error(`${dir} already holds a finished archive (${previous.finishedAt}); choose an empty directory.`);
    if (previous.schema.join() !== schema.join()) throw new Error(`${dir} holds an unfinished archive of another Chorus version; choose an empty directory.`);
    manifest = previous;
  } else if (fs.readdirSync(dir).some((f) => f !== 'tables')) {
    throw new Error(`${dir} is not empty; an archive goes into an empty directory (or the one of an interrupted export).`);
  }
  const tables = await instanceArchiveRepository.tables(m);
  const totals = new Map<string, number>();
  for (const t of tables) totals.set(t.name, await instanceArchiveRepository.count(m, t.name));
  const totalRows = [...totals.values()].reduce((a, b) => a + b, 0);
  let doneRows = Object.values(manifest.tables).reduce((a, s) => a + s.rows, 0);
  for (const t of tables) {
    const state: TableState = manifest.tables[t.name] ?? { file: `tables/${t.name}.jsonl`, rows: 0, bytes: 0, lastKey: null, done: false };
    manifest.tables[t.name] = state;
    if (state.done) continue;
    const file = path.join(dir, state.file);
    // What was written after the last recorded page is cut off and written again.
    if (fs.existsSync(file)) fs.truncateSync(file, state.bytes);
    const fd = fs.openSync(file, 'a');
    try {
      for (;;) {
        const rows = await instanceArchiveRepository.page(m, t, state.lastKey, PAGE);
        if (!rows.length) break;
        const lines = rows.map((r) => {
          const key = t.key.map((k) => String(r[k]));
          return JSON.stringify(normalise(t, r, (col, bytes) => {
            const rel = path.join('files', safe(t.name), `${safe(key.join('_'))}.${safe(col)}.bin`);
            fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
            fs.writeFileSync(path.join(dir, rel), bytes);
            return rel;
          }));
        }).join('\n') + '\n';
        fs.writeSync(fd, lines);
        state.bytes += Buffer.byteLength(lines);
        state.rows += rows.length;
        state.lastKey = t.key.map((k) => rows[rows.length - 1][k]);
        doneRows += rows.length;
        writeManifest(dir, manifest);
        onProgress({ table: t.name, rows: state.rows, totalRows, doneRows });
        if (rows.length < PAGE) break;
      }
    } finally {
      fs.closeSync(fd);
    }
    state.done = true;
    writeManifest(dir, manifest);
  }
  manifest.finishedAt = new Date().toISOString();
  writeManifest(dir, manifest);
  return manifest;
}
