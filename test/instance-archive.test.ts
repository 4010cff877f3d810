import fs from 'node:fs';
import { settleFacts } from '../src/reports/settle-facts';
import os from 'node:os';
import path from 'node:path';
import { verifyChains } from '../src/archive/chain/verify-chain';
import { exportInstance } from '../src/archive/instance/instance-export';
import { importInstance } from '../src/archive/instance/instance-import';
import { runCli } from '../src/cli/index';
import { openDatabase } from '../src/db/data-source';
import { contactRepository } from '../src/db/repositories/contact.repository';
import { searchMessages } from '../src/db/repositories/search.repository';
import { createInbox } from '../src/inboxes/create-inbox';
import { until } from './helpers/wait';
import { reconcileCounts } from '../src/tickets/reconcile-counts';
import { DB_KINDS, type DbKind, freshPostgres, postRawEmail, startTestChorus, type TestChorus } from './helpers/test-chorus';

// Whole-instance export and import: export → import into an empty database → export again
// gives the same files, byte for byte, also from SQLite to Postgres; an interrupted export
// carries on; the restored instance searches, verifies its hash chains and numbers new rows
// after the imported ones.
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'chorus-archive-'));
function filesOf(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name !== 'manifest.json') out.set(path.relative(dir, full), fs.readFileSync(full));
    }
  };
  walk(dir);
  return out;
}
const mail = (n: number) => [
  `From: Customer ${n} <c${n}@example.com>`, 'To: help@acme.test', `Subject: Archive question ${n}`, `Message-ID: <arch${n}@example.com>`,
  'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="b"', '', '--b', 'Content-Type: text/plain; charset=utf-8', '', `Where is parcel zebra${n}? Grüße`,
  '--b', 'Content-Type: application/octet-stream; name="data.bin"', 'Content-Disposition: attachment; filename="data.bin"', 'Content-Transfer-Encoding: base64', '',
  Buffer.from([0, 255, 1, 254, n]).toString('base64'), '--b--', '',
].join('\r\n');

async function emptyDatabase(kind: DbKind): Promise<{ url: string; drop: () => Promise<void> }> {
  if (kind === 'postgres') return freshPostgres();
  const dir = tmp();
  return { url: `sqlite:${path.join(dir, 'restored.sqlite')}`, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
}

describe.each(DB_KINDS)('whole-instance archive from %s', (kind) => {
  let t: TestChorus;
  let first: string;

  beforeAll(async () => {
    t = await startTestChorus({ db: kind });
    const inboxId = (await createInbox(t.s.db, Date.now(), { name: 'Help', channel: 'email', address: 'help@acme.test', settings: {} })).id;
    for (let n = 0; n < 3; n++) {
      const { ticketId } = await postRawEmail(t, inboxId, mail(n));
      await t.api('POST', `/api/tickets/${ticketId}/replies`, { text: `On its way, ${n}.`, audience: 'participants' });
      await t.api('POST', `/api/tickets/${ticketId}/notes`, { text: `Checked depot ${n}.` });
      await t.api('POST', `/api/tickets/${ticketId}/tags`, { tag: `parcel-${n}` });
    }
    // The replies' mail leaves through the outbox (kept as previews here): wait until it has,
    // so the instance stands still while it is exported.
    await until('the replies to be sent', async () => Number((await t.s.db.m.query("SELECT COUNT(*) AS n FROM outbox_items WHERE state = 'queued'"))[0].n) === 0
      && Number((await t.s.db.m.query('SELECT COUNT(*) AS n FROM mail_previews'))[0].n) >= 3);
    // The count reconciliation job tidies empty counters whenever it runs: run it now, so it has
    // nothing left to change between this export and the later ones.
    await reconcileCounts(t.s);
    // The same for the report facts' settler (archive:export settles first too).
    await settleFacts(t.s.db);
    first = tmp();
    await exportInstance(t.s.db.m, first);
  });
  afterAll(() => t.stop());

  const targets: DbKind[] = kind === 'sqlite' ? DB_KINDS : ['postgres'];
  it.each(targets)('round-trips into an empty %s database with the same files', async (to) => {
    const db = await emptyDatabase(to);
    const ds = await openDatabase(db.url);
    try {
      const r = await importInstance(ds, first);
      expect(r.rows).toBeGreaterThan(20);
      const again = tmp();
      await exportInstance(ds.manager, again);
      const a = filesOf(first);
      const b = filesOf(again);
      expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
      for (const [f, bytes] of a) expect({ f, same: bytes.equals(b.get(f)!) }).toEqual({ f, same: true });
      expect(a.has('tables/messages.jsonl') && a.has('tables/chain_links.jsonl')).toBe(true);
      // The rollups derived from report_rollups are not carried but rebuilt by its triggers, equal.
      for (const derived of ['report_channel_rollups', 'report_agent_rollups']) {
        const rowsOf = async (mm: typeof ds.manager) => JSON.stringify((await mm.query(`SELECT * FROM ${derived}`)).map((r: Record<string, unknown>) => Object.values(r).map(String).join('|')).sort());
        const before = await rowsOf(t.s.db.m);
        expect(JSON.parse(before).length).toBeGreaterThan(0);
        expect({ derived, rows: await rowsOf(ds.manager) }).toEqual({ derived, rows: before });
      }
      // The restored instance works: search, hash chains, new ids after the imported ones.
      expect((await searchMessages(ds.manager, 'zebra1', { publicOnly: false, limit: 5 })).map((h) => h.snippet).join()).toContain('zebra1');
      expect((await verifyChains(ds.manager)).problems).toEqual([]);
      const maxContact = Math.max(...(await ds.manager.query('SELECT id FROM contacts')).map((x: { id: number }) => Number(x.id)));
      expect(await contactRepository.create(ds.manager, 'New after import', Date.now())).toBe(maxContact + 1);
      // A second import into the now-filled database is refused.
      await expect(importInstance(ds, first)).rejects.toThrow(/not empty/);
    } finally {
      await ds.destroy();
      await db.drop();
    }
  });

  it('imports an archive written while the derived rollups were still carried, rebuilding them once', async () => {
    const dir = tmp();
    fs.cpSync(first, dir, { recursive: true });
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    const rows = (await t.s.db.m.query('SELECT * FROM report_channel_rollups')) as Record<string, unknown>[];
    fs.writeFileSync(path.join(dir, 'tables/report_channel_rollups.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    manifest.tables.report_channel_rollups = { file: 'tables/report_channel_rollups.jsonl', rows: rows.length, bytes: 0, lastKey: null, done: true };
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
    const db = await emptyDatabase(kind);
    const ds = await openDatabase(db.url);
    try {
      await importInstance(ds, dir);
      const count = async (mm: typeof ds.manager) => Number((await mm.query('SELECT COALESCE(SUM(created), 0) AS n FROM report_channel_rollups'))[0].n);
      expect(await count(ds.manager)).toBe(await count(t.s.db.m));
    } finally {
      await ds.destroy();
      await db.drop();
    }
  });

  it('carries on after an interruption and writes what an uninterrupted export writes', async () => {
    const dir = tmp();
    let pages = 0;
    await expect(exportInstance(t.s.db.m, dir, () => {
      if (++pages === 4) throw new Error('power cut');
    })).rejects.toThrow('power cut');
    const half = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    expect(half.finishedAt).toBeNull();
    const db = await emptyDatabase(kind);
    const ds = await openDatabase(db.url);
    try {
      await expect(importInstance(ds, dir)).rejects.toThrow(/unfinished/);
    } finally {
      await ds.destroy();
      await db.drop();
    }
    await exportInstance(t.s.db.m, dir);
    const a = filesOf(first);
    const b = filesOf(dir);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [f, bytes] of a) expect({ f, same: bytes.equals(b.get(f)!) }).toEqual({ f, same: true });
    await expect(exportInstance(t.s.db.m, dir)).rejects.toThrow(/already holds a finished archive/);
  });

  it('runs from the command line, with clear errors', async () => {
    const db = await emptyDatabase(kind);
    const out = tmp();
    const saved = { ...process.env };
    const log = jest.spyOn(console, 'log').mockImplementation(() => {});
    const err = jest.spyOn(console, 'error').mockImplementation(() => {});
    try {
      Object.assign(process.env, { DATABASE_URL: t.dbUrl, CHORUS_DATA_DIR: tmp(), CHORUS_SECRET: 'test-secret-0123456789abcdef', LOG_LEVEL: 'silent' });
      expect(await runCli(['archive:export'])).toBe(2);
      fs.rmSync(out, { recursive: true });
      expect(await runCli(['archive:export', '--out', out])).toBe(0);
      expect(log.mock.calls.flat().join('\n')).toMatch(/Exported \d+ row\(s\)/);
      process.env.DATABASE_URL = db.url;
      expect(await runCli(['import:archive', '--from', path.join(out, 'nope')])).toBe(1);
      expect(err.mock.calls.flat().join('\n')).toMatch(/no manifest\.json/);
      expect(await runCli(['import:archive', '--from', out])).toBe(0);
      expect(log.mock.calls.flat().join('\n')).toMatch(/Imported \d+ row\(s\)/);
    } finally {
      log.mockRestore();
      err.mockRestore();
      process.env = saved;
      await db.drop();
    }
  });
});
