import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInbox } from '../../src/inboxes/create-inbox';
import { ROOT } from '../../src/paths';
import { startTestChorus, type TestChorus } from '../helpers/test-chorus';

const mail = (id: string, from: string, subject: string, body: string) =>
  [`From ${from} Sun Nov 22 10:00:00 2026`, `From: ${from}`, 'To: support@acme.test', `Subject: ${subject}`, `Message-ID: <${id}>`, '', body, ''].join('\n');

// The CLI as an operator runs it: its own process, on the same SQLite file as the server.
function runCliProcess(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(ROOT, 'src/cli/index.ts'), ...args], {
    cwd: ROOT, env: { ...process.env, ...env, TS_NODE_TRANSPILE_ONLY: 'true' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out, err })));
}

describe('import:mbox beside a running Chorus on SQLite', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chorus-mbox-live-'));
  const dbUrl = `sqlite:${path.join(dir, 'c.sqlite')}`;
  const file = path.join(dir, 'archive.mbox');
  const ARCHIVED = 100;
  let t: TestChorus;
  let inboxId = 0;
  beforeAll(async () => {
    t = await startTestChorus({ dbUrl });
    inboxId = (await createInbox(t.s.db, Date.now(), {
      name: 'Support', channel: 'email', address: 'support@acme.test', firstResponseMinutes: 60, settings: { autoAck: { enabled: true, windowHours: 24 } },
    })).id;
    fs.writeFileSync(file, Array.from({ length: ARCHIVED }, (_, i) => mail(`old${i}@x.test`, `old${i}@x.test`, `Archived ${i}`, `Written in 2019, number ${i}.`)).join('\n'));
  });
  afterAll(async () => {
    await t.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('both the import and live ingest succeed; archived mail gets no auto-acknowledgement and no SLA clock', async () => {
    const cli = runCliProcess(['import:mbox', file, '--inbox', String(inboxId)], { DATABASE_URL: dbUrl, CHORUS_DATA_DIR: dir, CHORUS_SECRET: 'test-secret-0123456789abcdef', LOG_LEVEL: 'warn' });
    let done = false;
    void cli.then(() => (done = true));
    // Live mail keeps arriving over HTTP for as long as the import runs (and at least 20 mails).
    const live: number[] = [];
    for (let i = 0; !done || i < 20; i++) {
      const raw = `From: live${i}@y.test\r\nTo: support@acme.test\r\nSubject: Live ${i}\r\nMessage-ID: <live${i}@y.test>\r\n\r\nHelp now, please.\r\n`;
      const res = await fetch(`${t.url}/api/inboxes/${inboxId}/raw-email`, { method: 'POST', headers: { authorization: `Bearer ${t.admin.token}`, 'content-type': 'message/rfc822' }, body: raw });
      live.push(res.status);
    }
    const r = await cli;
    expect(r.err).not.toMatch(/locked|busy/i);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`Imported ${ARCHIVED} mail\\(s\\): ${ARCHIVED} stored, 0 already there, 0 failed`));
    expect(live.every((s) => s === 202)).toBe(true);

    // Acknowledgements are queued by a handler of each new ticket's event, after its answer.
    await t.s.bus.drain();
    const m = t.s.db.m;
    const tickets: { id: number; subject: string; sla_due_at: number | null }[] = await m.query('SELECT id, subject, sla_due_at FROM tickets WHERE inbox_id = ?', [inboxId]);
    const archived = tickets.filter((x) => x.subject.startsWith('Archived'));
    const fresh = tickets.filter((x) => x.subject.startsWith('Live'));
    expect(archived).toHaveLength(ARCHIVED);
    expect(fresh).toHaveLength(live.length);
    expect(archived.every((x) => x.sla_due_at === null)).toBe(true);
    expect(fresh.every((x) => x.sla_due_at !== null)).toBe(true);
    const acked = new Set((await m.query("SELECT ticket_id FROM outbox_items WHERE kind = 'email.auto-ack'")).map((x: { ticket_id: number }) => x.ticket_id));
    expect(archived.filter((x) => acked.has(x.id))).toEqual([]);
    expect(fresh.filter((x) => acked.has(x.id))).toHaveLength(fresh.length);
  }, 240_000); // a second process compiles and opens the store: slow when the machine is busy
});
