import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createChorus } from '../src/app';
import { loadConfig } from '../src/config';
import { listeningStreamRepository } from '../src/db/repositories/listening-stream.repository';
import { pollStream } from '../src/listening/poll-stream';
import { createLogger } from '../src/logger';

// Listening: one Mastodon stream poll of 100 new posts (local fake server), fetched, matched and
// stored, timed end to end. Each figure is one small function so the file stays easy to extend.
export async function benchListening(): Promise<{ pollOf100Ms: number }> {
  const statuses = Array.from({ length: 100 }, (_, i) => ({
    id: String(200_000 + i), created_at: new Date(Date.now() - i * 1000).toISOString(), visibility: 'public', language: 'en',
    url: `https://fake.social/@u${i}/${i}`, content: `<p>acme router ${i} keeps dropping</p>`,
    account: { id: String(9000 + i), acct: `u${i}@fake.social`, display_name: `User ${i}`, followers_count: i * 10 },
  }));
  const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ accounts: [], hashtags: [], statuses })));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chorus-bench-listen-'));
  const config = loadConfig({ NODE_ENV: 'production', CHORUS_DATA_DIR: dir, DATABASE_URL: `sqlite:${path.join(dir, 'c.sqlite')}`, CHORUS_SECRET: 'bench-secret-0123456789abcdef', CHORUS_SMTP_ENABLED: 'false', CHORUS_WORKERS: 'false', LOG_LEVEL: 'silent' }, { readDotEnv: false });
  const chorus = await createChorus(config, { logger: createLogger('silent') });
  try {
    const stream = await chorus.s.db.write((m) => listeningStreamRepository.insert(m, {
      name: 'bench', platform: 'mastodon', query: { keywords: ['acme'], phrases: [], hashtags: [], exclusions: [], language: null },
      settings: { apiBaseUrl: `http://127.0.0.1:${(server.address() as { port: number }).port}`, accessToken: 't' },
      enabled: true, pollSeconds: 60, cursor: null, lastPolledAt: null, lastError: null, nextPollAt: null, createdBy: null, createdAt: 1, updatedAt: 1,
    }));
    const t0 = performance.now();
    const r = await pollStream(chorus.s, stream, Date.now());
    const pollOf100Ms = performance.now() - t0;
    if (r.created !== 100) throw new Error(`listening bench stored ${r.created} posts, expected 100 (${r.error ?? 'no error'})`);
    return { pollOf100Ms };
  } finally {
    server.close();
    await chorus.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
