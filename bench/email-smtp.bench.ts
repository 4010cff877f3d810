import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { countStatements } from './api-ingest.bench';
import { createChorus, type Chorus } from '../src/app';
import { smtpPorts } from '../src/channels/email/email.module';
import { loadConfig } from '../src/config';
import { createInbox } from '../src/inboxes/create-inbox';
import { createLogger } from '../src/logger';
import { envInt, profiled, storeEnv } from './util';

type Mail = (i: number) => SendMailOptions;

const textMail: Mail = (i) => ({
  from: `Customer ${i} <c${i}@example.com>`, to: 'support@bench.test', subject: `Question ${i}`, messageId: `<bench-${i}-${Date.now()}@example.com>`,
  text: `Hello support,\n\n${'I have a question about my order and the invoice that came with it. '.repeat(40)}\n\nThanks, customer ${i}`,
});
const attachment = Buffer.alloc(180 * 1024 * 0.74, 'x');
const bigMail: Mail = (i) => ({ ...textMail(i), attachments: [{ filename: 'scan.pdf', contentType: 'application/pdf', content: attachment }] });

async function send(port: number, from: number, count: number, mail: Mail): Promise<void> {
  const client = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, pool: true, maxConnections: 8, maxMessages: Infinity });
  let next = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < count) await client.sendMail(mail(from + next++));
  }));
  client.close();
}

interface Side {
  // Sends `count` mails numbered from `from` and resolves once every one is handled.
  run(from: number, count: number): Promise<void>;
  close(): Promise<void>;
}

// Bare: smtp-server receiving and mailparser parsing each message, nothing stored.
async function bareSide(mail: Mail): Promise<Side> {
  let parsed = 0;
  let want = Infinity;
  let done: () => void = () => {};
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['AUTH', 'STARTTLS'], logger: false,
    onData(stream, _s, cb) {
      simpleParser(stream).then(() => {
        cb();
        if (++parsed === want) done();
      }, cb);
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.server.address() as { port: number }).port;
  return {
    run: async (from, count) => {
      const all = new Promise<void>((r) => (done = r));
      want = parsed + count;
      await send(port, from, count, mail);
      await all;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

// Chorus: its SMTP listener, the ledger, parsing, threading and storage of every mail. A run
// ends when its last mail's ticket is created (every bench mail opens one; the count of tickets
// is checked at the end), told by the bus instead of a count query polled beside the run.
async function oursSide(mail: Mail): Promise<Side & { chorus: Chorus }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chorus-bench-smtp-'));
  const config = loadConfig({ CHORUS_DATA_DIR: dir, CHORUS_SECRET: 'bench-secret-0123456789', CHORUS_SMTP_ENABLED: 'true', CHORUS_SMTP_PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', NODE_ENV: 'production', ...storeEnv() }, { readDotEnv: false });
  const chorus = await createChorus(config, { logger: createLogger('silent') });
  await createInbox(chorus.s.db, Date.now(), { name: 'bench', channel: 'email', address: 'support@bench.test' });
  let created = 0;
  let want = Infinity;
  let done: () => void = () => {};
  chorus.s.bus.on('ticket.created', () => {
    if (++created === want) done();
  });
  const port = smtpPorts.get(chorus.s)!;
  return {
    chorus,
    run: async (from, count) => {
      const all = new Promise<void>((r) => (done = r));
      want = created + count;
      await send(port, from, count, mail);
      let over = false;
      await Promise.race([all, failed(chorus, want, () => over)]).finally(() => (over = true));
    },
    close: async () => {
      await chorus.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Rejects if a mail of the run ends without a ticket (failed or ignored), which the bus would
// never report as created; looked at twice a second only.
async function failed(chorus: Chorus, expected: number, over: () => boolean): Promise<void> {
  for (;;) {
    await new Promise((r) => setTimeout(r, 500));
    if (over()) return;
    const [{ n }] = await chorus.s.db.m.query(`SELECT COUNT(*) n FROM inbound_items WHERE state IN ('processed', 'ignored', 'failed')`);
    const [{ t }] = await chorus.s.db.m.query('SELECT COUNT(*) t FROM tickets');
    if (Number(n) >= expected && Number(t) < expected) throw new Error(`expected ${expected} tickets, found ${t}`);
  }
}

function cpuMsSince(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
}

async function timed(run: () => Promise<void>): Promise<{ secs: number; cpuMs: number }> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await run();
  return { secs: (performance.now() - t0) / 1000, cpuMs: cpuMsSince(cpu0) };
}

// Each size: after a warm-up of each, bare and Chorus take turns in `BENCH_TURNS` rounds and the
// ratio is of their summed times (see api-ingest.bench.ts). Statements, commits and SQLite time
// come from a counted pass after the timed rounds, so the counters' cost is not in Chorus's time.
export async function benchEmailSmtp() {
  const count = envInt('BENCH_MAILS', 1000, 50, 1_000_000);
  const rounds = envInt('BENCH_TURNS', 3, 1, 20);
  const out = [];
  for (const [name, mail, n] of [['3 KB text', textMail, count], ['~180 KB with attachment', bigMail, Math.max(50, Math.floor(count / 4))]] as const) {
    const per = Math.ceil(n / rounds);
    const bare = await bareSide(mail);
    const ours = await oursSide(mail);
    // Both warmed first, untimed (numbered below the timed mails).
    const warm = Math.min(envInt('BENCH_WARMUP', 500, 0, 100_000), Math.max(10, Math.floor(n / 10)));
    await bare.run(-warm, warm);
    await ours.run(-warm, warm);
    const sum = { ours: { secs: 0, cpuMs: 0 }, bare: { secs: 0, cpuMs: 0 } };
    const roundRatios: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const b = await timed(() => bare.run(r * per, per));
      const o = await profiled(`smtp-${name.replace(/\W+/g, '-')}${rounds > 1 ? `-${r + 1}` : ''}`, () => timed(() => ours.run(r * per, per)));
      for (const k of ['secs', 'cpuMs'] as const) {
        sum.bare[k] += b[k];
        sum.ours[k] += o[k];
      }
      roundRatios.push(b.secs / o.secs);
    }
    const extra = Math.min(100, per);
    const counted = countStatements(ours.chorus.s.db.ds, /^SELECT COUNT\(\*\) [nt] FROM (inbound_items|tickets)/);
    await ours.run(rounds * per, extra);
    const [{ n: tickets }] = await ours.chorus.s.db.m.query('SELECT COUNT(*) n FROM tickets');
    if (Number(tickets) !== warm + rounds * per + extra) throw new Error(`expected ${warm + rounds * per + extra} tickets, found ${tickets}`);
    await ours.close();
    await bare.close();
    const total = rounds * per;
    out.push({
      name, count: total, rounds, oursPerSec: total / sum.ours.secs, barePerSec: total / sum.bare.secs, ratio: sum.bare.secs / sum.ours.secs, roundRatios,
      oursCpuMs: sum.ours.cpuMs / total, bareCpuMs: sum.bare.cpuMs / total,
      statements: counted.statements / extra, commits: counted.commits / extra, sqliteMs: counted.sqliteMs / extra,
    });
  }
  return out;
}
