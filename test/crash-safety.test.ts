import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import Database from 'better-sqlite3';
import { hmacHex } from '../src/channels/signature';
import { openDatabase } from '../src/db/data-source';
import { createInbox } from '../src/inboxes/create-inbox';
import { Db } from '../src/db/transaction';
import { EventBus } from '../src/events/bus';
import { CHANNELS, runCrashIngest, startNode } from './helpers/crash-harness';
import { DOVECOT_BIN } from './helpers/dovecot';

// SIGKILL in the middle of a stream of posts: every post answered 2xx must be in the ledger,
// and after a restart every one of them becomes a message.
jest.setTimeout(300_000);


function post(port: number, inbox: { id: number; secret: string }, i: number, agent: http.Agent): Promise<number> {
  const raw = JSON.stringify({ externalId: `crash-${i}`, author: { id: `u${i % 50}` }, text: `message ${i}` });
  return new Promise((resolve) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: `/api/inboxes/${inbox.id}/messages`, method: 'POST', agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(raw), 'x-chorus-signature': `sha256=${hmacHex(inbox.secret, Buffer.from(raw))}` } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(raw);
  });
}

test('no post answered 2xx is lost when the server is killed with SIGKILL mid-stream', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chorus-crash-'));
  const file = path.join(dir, 'chorus.sqlite');
  const env = { NODE_ENV: 'test', DATABASE_URL: `sqlite:${file}`, CHORUS_DATA_DIR: dir, CHORUS_SECRET: 'crash-secret-0123456789', CHORUS_SMTP_ENABLED: 'false', LOG_LEVEL: 'silent' };
  const ds = await openDatabase(`sqlite:${file}`);
  const inbox = await createInbox(new Db(ds, new EventBus()), Date.now(), { name: 'API', channel: 'api' });
  await ds.destroy();

  const { child, port } = await startNode(env);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const answered: number[] = [];
  let next = 0;
  let killed = false;
  const worker = async () => {
    while (next < 1000) {
      const i = next++;
      const status = await post(port, inbox, i, agent);
      if (status >= 200 && status < 300) answered.push(i);
      if (!killed && answered.length >= 300) {
        killed = true;
        child.kill('SIGKILL');
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  agent.destroy();
  expect(killed).toBe(true);
  expect(answered.length).toBeGreaterThanOrEqual(300);
  expect(answered.length).toBeLessThan(1000);

  const ledger = new Database(file, { readonly: true });
  const keys = new Set((ledger.prepare('SELECT idempotency_key k FROM inbound_items').all() as { k: string }[]).map((r) => r.k));
  ledger.close();
  const lost = answered.filter((i) => !keys.has(`${inbox.id}:api:crash-${i}`));
  expect(lost).toEqual([]);

  // After the crash, `chorus ingest:replay` finishes whatever the crash interrupted: every answered post is a message.
  const { runCli } = await import('../src/cli/index');
  process.env.DATABASE_URL = env.DATABASE_URL;
  process.env.CHORUS_SECRET = env.CHORUS_SECRET;
  process.env.LOG_LEVEL = 'silent';
  const log = jest.spyOn(console, 'log').mockImplementation(() => {});
  try {
    // Items the crash left `received` are replayed after 30 s; fake the clock forward for the CLI.
    const realNow = Date.now;
    Date.now = () => realNow() + 60_000;
    try {
      expect(await runCli(['ingest:replay'])).toBe(0);
    } finally {
      Date.now = realNow;
    }
  } finally {
    log.mockRestore();
    delete process.env.DATABASE_URL;
    delete process.env.CHORUS_SECRET;
  }
  const db = new Database(file, { readonly: true });
  const texts = new Set((db.prepare('SELECT text FROM messages').all() as { text: string }[]).map((r) => r.text));
  const dupes = db.prepare('SELECT COUNT(*) n FROM messages GROUP BY text HAVING COUNT(*) > 1').all();
  db.close();
  expect(answered.filter((i) => !texts.has(`message ${i}`))).toEqual([]);
  expect(dupes).toEqual([]);
  fs.rmSync(dir, { recursive: true, force: true });
});

// The same over every kind of door, with an immediate restart and no CLI: the running node's
// recovery sweep finishes what the kill interrupted (`npm run crash-ingest` runs 1,000 per channel).
(fs.existsSync(DOVECOT_BIN) ? test : test.skip)('SIGKILL during SMTP, API, webhook and IMAP ingest, restart at once: every acknowledged item is one message', async () => {
  const lines: string[] = [];
  const r = await runCrashIngest({ count: 40, leaseMs: 1500, sweepMs: 200, log: (l) => lines.push(l), deadlineMs: 240_000 });
  for (const c of CHANNELS) {
    const f = r.channels[c];
    expect({ channel: c, acked: f.acked, lost: f.lost, duplicated: f.duplicated, messages: f.messages }).toEqual({ channel: c, acked: 40, lost: [], duplicated: [], messages: 40 });
  }
  expect(lines.join('\n')).toMatch(/SIGKILL after/);
});
