import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { apiInbox, postSigned, startTestChorus, type TestChorus } from './helpers/test-chorus';
import { waitFor } from './helpers/wait';

// What the database file alone holds, without its write-ahead log: a copy of the main file is
// opened by itself (a copy taken while a checkpoint writes may be torn; it is taken again).
function ticketsInFileAlone(t: TestChorus): number | null {
  const copy = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'chorus-ckpt-')), 'copy.sqlite');
  try {
    fs.copyFileSync(t.dbUrl.replace(/^sqlite:/, ''), copy);
    const db = new Database(copy, { readonly: true });
    try {
      return (db.prepare("SELECT COUNT(*) AS n FROM tickets WHERE subject LIKE 'ckpt %'").get() as { n: number }).n;
    } finally {
      db.close();
    }
  } catch (err) {
    // Not even the schema has reached the file: none of the tickets has.
    if (/no such table/.test(String(err))) return 0;
    return null;
  } finally {
    fs.rmSync(path.dirname(copy), { recursive: true, force: true });
  }
}

async function postTickets(t: TestChorus, n: number) {
  const inbox = await apiInbox(t);
  for (let i = 0; i < n; i++) {
    const res = await postSigned(t, inbox, { externalId: `ckpt-${i}`, author: { id: `c${i}`, name: `C ${i}` }, subject: `ckpt ${i}`, text: 'Where is my order?' });
    expect(res.status).toBe(202);
  }
  await waitFor(() => t.s.db.m.query("SELECT COUNT(*) AS n FROM tickets WHERE subject LIKE 'ckpt %'"), (r: { n: number }[]) => Number(r[0].n) === n);
}

describe('the SQLite log checkpointed beside the event loop', () => {
  it('copies new writes into the database file from a worker thread, with SQLite’s own checkpoint raised to a fallback', async () => {
    const t = await startTestChorus({ env: { CHORUS_SQLITE_CHECKPOINT_MS: '50' } });
    try {
      expect(t.checkpointer).not.toBeNull();
      const main = (t.s.db.ds.driver as unknown as { databaseConnection: Database.Database }).databaseConnection;
      expect(main.pragma('wal_autocheckpoint', { simple: true })).toBe(20_000);
      await postTickets(t, 5);
      // Far under SQLite's own mark: only the worker can have put them in the file.
      expect(await waitFor(() => ticketsInFileAlone(t), (n) => n === 5)).toBe(5);
      expect(t.checkpointer!.copied()).toBeGreaterThan(0);
    } finally {
      await t.stop();
    }
  });

  it('leaves the log to SQLite when switched off (0): a few writes stay in the log', async () => {
    const t = await startTestChorus({ env: { CHORUS_SQLITE_CHECKPOINT_MS: '0' } });
    try {
      expect(t.checkpointer).toBeNull();
      const main = (t.s.db.ds.driver as unknown as { databaseConnection: Database.Database }).databaseConnection;
      expect(main.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
      await postTickets(t, 5);
      expect(await waitFor(() => ticketsInFileAlone(t), (n) => n !== null)).toBe(0);
    } finally {
      await t.stop();
    }
  });

  it('refuses a checkpoint interval that is not a whole number of milliseconds up to a minute', async () => {
    await expect(startTestChorus({ env: { CHORUS_SQLITE_CHECKPOINT_MS: 'often' } })).rejects.toThrow(/CHORUS_SQLITE_CHECKPOINT_MS/);
    await expect(startTestChorus({ env: { CHORUS_SQLITE_CHECKPOINT_MS: '600000' } })).rejects.toThrow(/CHORUS_SQLITE_CHECKPOINT_MS/);
  });
});
