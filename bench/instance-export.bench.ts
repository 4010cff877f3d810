import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { exportInstance } from '../src/archive/instance/instance-export';
import { openDatabase } from '../src/db/data-source';
import { envInt, seededFile } from './util';

export interface InstanceExportBench { tickets: number; rows: number; seedSecs: number; secs: number; rowsPerSec: number; mb: number; bareSecs: number; bareRowsPerSec: number; ratio: number }

// `chorus archive:export` over a million tickets (each with a message and an event), beside the
// bare library doing the same reads and writes: better-sqlite3 iterating every row of the same
// tables and writing it as a JSON line.
export async function benchInstanceExport(): Promise<InstanceExportBench> {
  const tickets = envInt('BENCH_INSTANCE_TICKETS', 1_000_000, 1000, 20_000_000);
  const t0 = Date.now();
  const file = await seededFile(`instance-${tickets}`, (db) => {
    const n = tickets;
    db.exec(`INSERT INTO contacts (name, reputation, banned, created_at)
      WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${Math.ceil(n / 10)}) SELECT 'Customer ' || i, 0, 0, i FROM s`);
    db.exec(`INSERT INTO tickets (id, subject, status, priority, visibility, requester_id, inbox_id, channel, message_count, last_activity_at, created_at, updated_at)
      WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${n}) SELECT i, 'Where is my order ' || i, 'open', 'normal', 'private', 1 + i % ${Math.ceil(n / 10)}, 1, 'email', 1, i, i, i FROM s`);
    db.exec(`INSERT INTO messages (ticket_id, author_type, author_contact_id, channel, direction, audience, text, hidden, score, created_at)
      WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${n}) SELECT i, 'contact', 1 + i % ${Math.ceil(n / 10)}, 'email', 'inbound', 'participants', 'Hello, my order ' || i || ' has not arrived yet. Could you check where it is? Thanks, a customer', 0, 0, i FROM s`);
    db.exec(`INSERT INTO ticket_events (ticket_id, type, actor_type, data, created_at)
      WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${n}) SELECT i, 'created', 'system', '{"channel":"email"}', i FROM s`);
  });
  const seedSecs = (Date.now() - t0) / 1000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chorus-instance-export-'));
  const ds = await openDatabase(`sqlite:${file}`);
  const s0 = performance.now();
  const manifest = await exportInstance(ds.manager, dir);
  const secs = (performance.now() - s0) / 1000;
  await ds.destroy();
  const rows = Object.values(manifest.tables).reduce((a, t) => a + t.rows, 0);
  const mb = Object.values(manifest.tables).reduce((a, t) => a + t.bytes, 0) / 2 ** 20;
  fs.rmSync(dir, { recursive: true, force: true });

  const bareDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chorus-instance-bare-'));
  const db = new Database(file, { readonly: true });
  const b0 = performance.now();
  let bareRows = 0;
  for (const table of Object.keys(manifest.tables)) {
    const fd = fs.openSync(path.join(bareDir, `${table}.jsonl`), 'w');
    let buf: string[] = [];
    for (const row of db.prepare(`SELECT * FROM "${table}"`).iterate()) {
      buf.push(JSON.stringify(row));
      bareRows++;
      if (buf.length >= 1000) {
        fs.writeSync(fd, `${buf.join('\n')}\n`);
        buf = [];
      }
    }
    if (buf.length) fs.writeSync(fd, `${buf.join('\n')}\n`);
    fs.closeSync(fd);
  }
  const bareSecs = (performance.now() - b0) / 1000;
  db.close();
  fs.rmSync(bareDir, { recursive: true, force: true });
  return { tickets, rows, seedSecs, secs, rowsPerSec: rows / secs, mb, bareSecs, bareRowsPerSec: bareRows / bareSecs, ratio: (rows / secs) / (bareRows / bareSecs) };
}
