import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { createChorus } from '../src/app';
import { hmacHex } from '../src/channels/signature';
import { loadConfig } from '../src/config';
import { createInbox } from '../src/inboxes/create-inbox';
import { createLogger } from '../src/logger';
import { blast, envInt } from './util';

// Tickets created per second through the signed API channel (ledger, pipeline, contact,
// ticket, message, events) beside bare express answering the same requests.
export async function benchApiIngest() {
  const count = envInt('BENCH_POSTS', 3000, 100, 1_000_000);
  const concurrency = 16;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chorus-bench-api-'));
  const config = loadConfig({ CHORUS_DATA_DIR: dir, CHORUS_SECRET: 'bench-secret-0123456789', CHORUS_SMTP_ENABLED: 'false', LOG_LEVEL: 'silent', NODE_ENV: 'production' }, { readDotEnv: false });
  const chorus = await createChorus(config, { logger: createLogger('silent') });
  const port = await chorus.listen(0, '127.0.0.1');
  const inbox = await createInbox(chorus.s.db, Date.now(), { name: 'bench', channel: 'api' });
  const body = (i: number) => {
    const raw = JSON.stringify({ externalId: `b-${i}`, author: { id: `u-${i}`, name: `Customer ${i}` }, subject: `Question ${i}`, text: `Hello, this is question number ${i}. `.repeat(4) });
    return { raw, headers: { 'x-chorus-signature': `sha256=${hmacHex(inbox.secret, Buffer.from(raw))}` } };
  };
  const ours = await blast(port, `/api/inboxes/${inbox.id}/messages`, body, count, concurrency);
  await chorus.close();
  fs.rmSync(dir, { recursive: true, force: true });

  const bare = express();
  bare.post('/api/inboxes/:id/messages', express.json({ limit: '10mb' }), (req, res) => {
    res.status(202).json({ ok: true, key: req.body.externalId });
  });
  const server = bare.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const barePort = (server.address() as { port: number }).port;
  const bareRun = await blast(barePort, '/api/inboxes/1/messages', body, count, concurrency);
  server.close();
  return { count, concurrency, oursRps: ours.rps, oursFailures: ours.failures, bareRps: bareRun.rps, ratio: ours.rps / bareRun.rps };
}
