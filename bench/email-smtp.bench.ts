import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { countStatements } from './api-ingest.bench';
import { createChorus } from '../src/app';
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

async function send(port: number, count: number, mail: Mail): Promise<void> {
  const client = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, pool: true, maxConnections: 8, maxMessages: Infinity });
  let next = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < count) await client.sendMail(mail(next++));
  }));
  client.close();
}

// Bare: smtp-server receiving and mailparser parsing each message, nothing stored.
async function bare(count: number, mail: Mail): Promise<{ rate: number; cpuMs: number }> {
  let parsed = 0;
  let done: () => void = () => {};
  const all = new Promise<void>((r) => (done = r));
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['AUTH', 'STARTTLS'], logger: false,
    onData(stream, _s, cb) {
      simpleParser(stream).then(() => {
        cb();
        if (++parsed === count) done();
      }, cb);
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.server.address() as { port: number }).port;
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  await send(port, count, mail);
  await all;
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpuMs = cpuMsSince(cpu0) / count;
  await new Promise<void>((r) => server.close(() => r()));
  return { rate: count / secs, cpuMs };
}

// Chorus: its SMTP listener, the ledger, parsing, threading and storage of every mail.
async function ours(name: string, count: number, mail: Mail): Promise<{ rate: number; cpuMs: number; statements: number; commits: number; sqliteMs: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chorus-bench-smtp-'));
  const config = loadConfig({ CHORUS_DATA_DIR: dir, CHORUS_SECRET: 'bench-secret-0123456789', CHORUS_SMTP_ENABLED: 'true', CHORUS_SMTP_PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', NODE_ENV: 'production', ...storeEnv() }, { readDotEnv: false });
  const chorus = await createChorus(config, { logger: createLogger('silent') });
  await createInbox(chorus.s.db, Date.now(), { name: 'bench', channel: 'email', address: 'support@bench.test' });
  const counted = countStatements(chorus.s.db.ds, /^SELECT COUNT\(\*\) n FROM inbound_items/);
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  await profiled(`smtp-${name.replace(/\W+/g, '-')}`, async () => {
    await send(smtpPorts.get(chorus.s)!, count, mail);
    for (;;) {
      const [{ n }] = await chorus.s.db.m.query(`SELECT COUNT(*) n FROM inbound_items WHERE state IN ('processed', 'ignored', 'failed')`);
      if (Number(n) >= count) break;
      await new Promise((r) => setTimeout(r, 5));
    }
  });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpuMs = cpuMsSince(cpu0) / count;
  const per = { statements: counted.statements / count, commits: counted.commits / count, sqliteMs: counted.sqliteMs / count };
  const [{ n: tickets }] = await chorus.s.db.m.query('SELECT COUNT(*) n FROM tickets');
  if (Number(tickets) !== count) throw new Error(`expected ${count} tickets, found ${tickets}`);
  await chorus.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return { rate: count / secs, cpuMs, ...per };
}

function cpuMsSince(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
}

export async function benchEmailSmtp() {
  const count = envInt('BENCH_MAILS', 1000, 50, 1_000_000);
  const out = [];
  for (const [name, mail, n] of [['3 KB text', textMail, count], ['~180 KB with attachment', bigMail, Math.max(50, Math.floor(count / 4))]] as const) {
    const b = await bare(n, mail);
    const o = await ours(name, n, mail);
    out.push({ name, count: n, oursPerSec: o.rate, barePerSec: b.rate, ratio: o.rate / b.rate, oursCpuMs: o.cpuMs, bareCpuMs: b.cpuMs, statements: o.statements, commits: o.commits, sqliteMs: o.sqliteMs });
  }
  return out;
}
