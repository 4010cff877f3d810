import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { hmacHex } from '../../src/channels/signature';
import { openDatabase } from '../../src/db/data-source';
import { Db } from '../../src/db/transaction';
import { EventBus } from '../../src/events/bus';
import { createInbox } from '../../src/inboxes/create-inbox';
import { startDovecot } from './dovecot';

// SIGKILL one Chorus node at a random moment while items stream in over SMTP, the API channel,
// a signed (Telegram) webhook and an IMAP catch-up, restart it at once on the same database, and
// count: every item the sender was told we accepted must become exactly one message. Senders
// resend what was not acknowledged (as real ones do); those resends are redeliveries.

export type Channel = 'smtp' | 'api' | 'webhook' | 'imap';
export const CHANNELS: Channel[] = ['smtp', 'api', 'webhook', 'imap'];

export interface CrashOptions {
  count: number;
  leaseMs?: number;
  sweepMs?: number;
  // Picks the moment of the kill: a random point of the pushed streams (the IMAP catch-up, slower,
  // is wherever it is then); only if it all finished first, a random point of the catch-up.
  seed?: number;
  log?: (line: string) => void;
  deadlineMs?: number;
}

export interface ChannelFigures {
  sent: number;
  // Acknowledged before the kill (recovery must finish these without any resend).
  ackedBeforeKill: number;
  acked: number;
  messages: number;
  lost: number[];
  duplicated: number[];
}

export interface CrashReport {
  killedAfterMs: number;
  atKill: Record<Channel, number>;
  recoveredInMs: number;
  channels: Record<Channel, ChannelFigures>;
}

const TEXT = /^(smtp|api|webhook|imap) item (\d+)\b/;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

// One Chorus node in its own process (test/fixtures/serve.ts), resolved once it listens.
export function startNode(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(__dirname, '../fixtures/serve.ts')], {
    env: { ...process.env, ...env, TS_NODE_TRANSPILE_ONLY: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /READY (\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.stderr!.on('data', (d) => (err += d));
    child.once('exit', (code, signal) => reject(new Error(`node exited ${code ?? signal}: ${err.slice(-2000)}`)));
  });
}

const mail = (kind: 'smtp' | 'imap', i: number, to: string) =>
  `From: Customer ${i} <${kind}${i}@crash.example>\r\nTo: ${to}\r\nSubject: ${kind} item ${i}\r\nMessage-ID: <${kind}-${i}@crash.example>\r\n` +
  `Date: Tue, 01 Dec 2026 10:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${kind} item ${i}\r\n`;

function postJson(port: number, p: string, body: string, headers: Record<string, string>, agent: http.Agent): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, path: p, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.setTimeout(30_000, () => req.destroy());
    req.end(body);
  });
}

export async function runCrashIngest(opts: CrashOptions): Promise<CrashReport> {
  const log = opts.log ?? (() => {});
  const n = opts.count;
  let seed = opts.seed ?? Date.now();
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chorus-crash-'));
  const file = path.join(dir, 'chorus.sqlite');
  const dove = await startDovecot();
  const nodes: ChildProcess[] = [];
  try {
    // The IMAP mailbox holds the whole catch-up before Chorus starts.
    const imap = new ImapFlow({ host: '127.0.0.1', port: dove.port, secure: false, auth: { user: dove.user, pass: dove.pass }, logger: false });
    await imap.connect();
    await imap.mailboxCreate('Crash');
    for (let i = 0; i < n; i++) await imap.append('Crash', mail('imap', i, 'imap@crash.test'));
    await imap.logout();

    const ds = await openDatabase(`sqlite:${file}`);
    const db = new Db(ds, new EventBus());
    const now = Date.now();
    await createInbox(db, now, { name: 'SMTP', channel: 'email', address: 'smtp@crash.test' });
    const imapInbox = await createInbox(db, now, {
      name: 'IMAP', channel: 'email', address: 'imap@crash.test',
      settings: { imap: { host: '127.0.0.1', port: dove.port, secure: false, user: dove.user, pass: dove.pass, mailbox: 'Crash', pollSeconds: 5 } },
    });
    const api = await createInbox(db, now, { name: 'API', channel: 'api' });
    const tg = await createInbox(db, now, { name: 'Telegram', channel: 'telegram', settings: { botToken: '123456:crash-token', botId: '1' } });
    await ds.destroy();

    const smtpPort = await freePort();
    const env = {
      NODE_ENV: 'test', DATABASE_URL: `sqlite:${file}`, CHORUS_DATA_DIR: dir, CHORUS_SECRET: 'crash-secret-0123456789', LOG_LEVEL: 'silent',
      CHORUS_SMTP_ENABLED: 'true', CHORUS_SMTP_PORT: String(smtpPort), HOST: '127.0.0.1',
      ...(opts.leaseMs ? { CHORUS_INGEST_LEASE_MS: String(opts.leaseMs) } : {}),
      ...(opts.sweepMs ? { CHORUS_INGEST_SWEEP_MS: String(opts.sweepMs) } : {}),
    };

    // Senders: each item is sent until it is acknowledged; a failure waits for the node to be back.
    let node = await startNode(env);
    nodes.push(node.child);
    let up: Promise<void> = Promise.resolve();
    let killed = false;
    const acked: Record<Exclude<Channel, 'imap'>, Set<number>> = { smtp: new Set(), api: new Set(), webhook: new Set() };
    const ackedBeforeKill: Record<Exclude<Channel, 'imap'>, number> = { smtp: 0, api: 0, webhook: 0 };
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    let transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true, pool: true, maxConnections: 3 });
    const senders: Record<Exclude<Channel, 'imap'>, (i: number) => Promise<boolean>> = {
      smtp: async (i) => {
        try {
          await transport.sendMail({ envelope: { from: `smtp${i}@crash.example`, to: ['smtp@crash.test'] }, raw: mail('smtp', i, 'smtp@crash.test') });
          return true;
        } catch {
          return false;
        }
      },
      api: async (i) => {
        const body = JSON.stringify({ externalId: `crash-${i}`, author: { id: `api-u${i}` }, text: `api item ${i}` });
        const status = await postJson(node.port, `/api/inboxes/${api.id}/messages`, body, { 'x-chorus-signature': `sha256=${hmacHex(api.secret, Buffer.from(body))}` }, agent);
        return status >= 200 && status < 300;
      },
      webhook: async (i) => {
        const body = JSON.stringify({ update_id: 10_000 + i, message: { message_id: i, date: 1_764_000_000, chat: { id: 5000 + i, type: 'private' }, from: { id: 5000 + i, first_name: `Tg${i}` }, text: `webhook item ${i}` } });
        const status = await postJson(node.port, `/webhooks/telegram/${tg.id}`, body, { 'x-telegram-bot-api-secret-token': tg.secret }, agent);
        return status === 200;
      },
    };
    const pushTotal = 3 * n;
    const killPush = Math.floor(pushTotal * (0.15 + random() * 0.5));
    const killImap = Math.floor(n * (0.1 + random() * 0.6));
    const ledger = new Database(file, { readonly: true });
    const imapRecorded = () => Number((ledger.prepare('SELECT COUNT(*) n FROM inbound_items WHERE inbox_id = ?').get(imapInbox.id) as { n: number }).n);
    const started = Date.now();
    let killedAt = 0;
    const atKill = { smtp: 0, api: 0, webhook: 0, imap: 0 };
    let restarted: Promise<void> = Promise.resolve();
    const kill = () => {
      killed = true;
      killedAt = Date.now() - started;
      node.child.kill('SIGKILL');
      for (const c of ['smtp', 'api', 'webhook'] as const) atKill[c] = ackedBeforeKill[c] = acked[c].size;
      atKill.imap = imapRecorded();
      log(`SIGKILL after ${killedAt} ms: acknowledged smtp ${atKill.smtp}, api ${atKill.api}, webhook ${atKill.webhook}; IMAP mails recorded ${atKill.imap} of ${n}`);
      restarted = (async () => {
        await new Promise((r) => node.child.once('exit', r));
        transport.close();
        node = await startNode(env);
        nodes.push(node.child);
        transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true, pool: true, maxConnections: 3 });
        log('restarted at once');
      })();
      up = restarted;
    };
    const watch = setInterval(() => {
      const pushed = acked.smtp.size + acked.api.size + acked.webhook.size;
      if (!killed && pushed >= killPush) kill();
    }, 20);

    const deadline = started + (opts.deadlineMs ?? 600_000);
    const run = async (c: Exclude<Channel, 'imap'>, workers: number) => {
      const todo = Array.from({ length: n }, (_, i) => i);
      await Promise.all(Array.from({ length: workers }, async () => {
        for (;;) {
          const i = todo.shift();
          if (i === undefined) return;
          await up;
          if (await senders[c](i)) acked[c].add(i);
          else {
            if (Date.now() > deadline) throw new Error(`${c} item ${i} never acknowledged`);
            todo.push(i);
            await new Promise((r) => setTimeout(r, 50));
          }
        }
      }));
    };
    await Promise.all([run('smtp', 3), run('api', 4), run('webhook', 4)]);
    // Push traffic may end before the kill condition when the IMAP catch-up is slow: kill then.
    while (!killed) {
      if (imapRecorded() >= killImap || Date.now() > deadline) kill();
      else await new Promise((r) => setTimeout(r, 20));
    }
    clearInterval(watch);
    await restarted;
    agent.destroy();
    transport.close();

    // Wait until every item is a message and nothing is left unfinished in the ledger.
    const t0 = Date.now();
    const texts = () => ledger.prepare("SELECT text FROM messages WHERE direction = 'inbound'").all() as { text: string }[];
    for (;;) {
      const open = Number((ledger.prepare("SELECT COUNT(*) n FROM inbound_items WHERE state IN ('received', 'failed')").get() as { n: number }).n);
      if (!open && texts().length >= 4 * n) break;
      if (Date.now() > deadline) {
        log(`gave up waiting: ${open} ledger rows unfinished, ${texts().length} of ${4 * n} messages`);
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    const recoveredInMs = Date.now() - t0;
    const seen: Record<Channel, Map<number, number>> = { smtp: new Map(), api: new Map(), webhook: new Map(), imap: new Map() };
    for (const { text } of texts()) {
      const m = TEXT.exec(text.trim());
      if (m) seen[m[1] as Channel].set(Number(m[2]), (seen[m[1] as Channel].get(Number(m[2])) ?? 0) + 1);
    }
    ledger.close();
    const figures = (c: Channel): ChannelFigures => {
      const ackedSet = c === 'imap' ? new Set(Array.from({ length: n }, (_, i) => i)) : acked[c];
      return {
        sent: n,
        ackedBeforeKill: c === 'imap' ? atKill.imap : ackedBeforeKill[c],
        acked: ackedSet.size,
        messages: [...seen[c].values()].reduce((a, b) => a + b, 0),
        lost: [...ackedSet].filter((i) => !seen[c].has(i)),
        duplicated: [...seen[c]].filter(([, k]) => k > 1).map(([i]) => i),
      };
    };
    return { killedAfterMs: killedAt, atKill, recoveredInMs, channels: { smtp: figures('smtp'), api: figures('api'), webhook: figures('webhook'), imap: figures('imap') } };
  } finally {
    for (const c of nodes) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
    await Promise.all(nodes.map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
    await dove.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
