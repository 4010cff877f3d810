import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createChorus } from '../src/app';
import { createWebhook } from '../src/automation/webhooks/commands/create-webhook';
import { hmacHex } from '../src/channels/signature';
import { loadConfig } from '../src/config';
import { OutboxItem } from '../src/db/entities';
import { createInbox } from '../src/inboxes/create-inbox';
import { createLogger } from '../src/logger';
import { blast, envInt } from './util';

// API-channel ingest with no webhooks beside ingest with three (public, participants, staff; every
// event) POSTing to a local receiver, and how fast the outbox then delivers them.
export async function benchWebhooks() {
  const count = envInt('BENCH_POSTS', 1000, 100, 1_000_000);
  const concurrency = 16;
  let received = 0;
  const receiver = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;

  const run = async (hooks: number) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chorus-bench-webhooks-'));
    const config = loadConfig({ CHORUS_DATA_DIR: dir, CHORUS_SECRET: 'bench-secret-0123456789', CHORUS_SMTP_ENABLED: 'false', LOG_LEVEL: 'silent', NODE_ENV: 'production', CHORUS_WEBHOOKS_ALLOW_PRIVATE: 'true' }, { readDotEnv: false });
    const chorus = await createChorus(config, { logger: createLogger('silent') });
    const port = await chorus.listen(0, '127.0.0.1');
    const inbox = await createInbox(chorus.s.db, Date.now(), { name: 'bench', channel: 'api' });
    for (const audience of (['public', 'participants', 'staff'] as const).slice(0, hooks)) {
      await createWebhook(chorus.s, { name: audience, url, events: ['ticket.created', 'ticket.updated', 'message.created'], audience, active: true }, null);
    }
    const body = (i: number) => {
      const raw = JSON.stringify({ externalId: `w-${i}`, author: { id: `u-${i}`, name: `Customer ${i}` }, subject: `Question ${i}`, text: `Hello, question ${i}. `.repeat(4), audience: i % 2 ? 'public' : 'private' });
      return { raw, headers: { 'x-chorus-signature': `sha256=${hmacHex(inbox.secret, Buffer.from(raw))}` } };
    };
    const started = Date.now();
    const ingest = await blast(port, `/api/inboxes/${inbox.id}/messages`, body, count, concurrency);
    // Deliveries are queued after each commit and sent by the outbox: wait until none is left.
    await chorus.s.bus.drain();
    const items = chorus.s.db.m.getRepository(OutboxItem);
    while ((await items.countBy({ kind: 'webhook', state: 'queued' })) > 0) await new Promise((r) => setTimeout(r, 20));
    const deliveries = await items.countBy({ kind: 'webhook', state: 'sent' });
    const secs = (Date.now() - started) / 1000;
    await chorus.close();
    fs.rmSync(dir, { recursive: true, force: true });
    return { rps: ingest.rps, failures: ingest.failures, deliveries, deliveriesPerSec: deliveries / secs };
  };
  const none = await run(0);
  const three = await run(3);
  receiver.close();
  return { count, concurrency, none, three, received, ratio: three.rps / none.rps };
}
