import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createChorus } from '../src/app';
import { loadConfig } from '../src/config';
import { listeningStreamRepository } from '../src/db/repositories/listening-stream.repository';
import { createInbox } from '../src/inboxes/create-inbox';
import { pollStream } from '../src/listening/poll-stream';
import { createLogger } from '../src/logger';
import { envInt, percentile } from './util';

const SENTENCES = ['my acme router keeps dropping the wifi every evening', 'acme support fixed my mesh in ten minutes, great job', 'is the acme app down for anyone else?', 'acme firmware update bricked my router, terrible'];

// One page of Mastodon status search as the platform returns it (GET /api/v2/search), 100 statuses.
function searchPage(round: number) {
  const statuses = Array.from({ length: 100 }, (_, i) => {
    const id = String(110_000_000_000 + round * 1000 + (99 - i));
    return {
      id, created_at: new Date(Date.now() - i * 1000).toISOString(), in_reply_to_id: null, in_reply_to_account_id: null, sensitive: false, spoiler_text: '',
      visibility: 'public', language: 'en', uri: `https://fake.social/users/u${i}/statuses/${id}`, url: `https://fake.social/@u${i}/${id}`,
      replies_count: i % 3, reblogs_count: i % 5, favourites_count: i % 7, edited_at: null, reblog: null, media_attachments: [], mentions: [], tags: [], emojis: [], card: null, poll: null,
      content: `<p>${SENTENCES[i % SENTENCES.length]} #${round}-${i}</p>`,
      account: {
        id: String(9000 + i), username: `u${i}`, acct: `u${i}@fake.social`, display_name: `User ${i}`, locked: false, bot: false, created_at: '2022-01-01T00:00:00.000Z',
        note: '<p>Home network tinkerer</p>', url: `https://fake.social/@u${i}`, avatar: 'https://fake.social/a.png', followers_count: i * 137, following_count: 12, statuses_count: 340,
      },
    };
  });
  return JSON.stringify({ accounts: [], hashtags: [], statuses });
}

export interface ListeningPollResult { rounds: number; poll: { p50: number; max: number }; scored: { p50: number; max: number }; bare: { p50: number; max: number }; ruled: { rounds: number; tickets: number; poll: { p50: number; max: number }; converted: { p50: number; max: number } } }

// Listening: one Mastodon stream poll of 100 new posts from a local fake server, timed from the
// poll's start until the posts are committed (and until each is scored, after the commit),
// `BENCH_LISTENING_POLLS` rounds of fresh posts. Beside it, the bare job: the same fetch, JSON
// parse and 100 inserts in one better-sqlite3 transaction.
export async function benchListening(): Promise<ListeningPollResult> {
  const rounds = envInt('BENCH_LISTENING_POLLS', 10, 1, 1000);
  let round = 0;
  const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(searchPage(round)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chorus-bench-listen-'));
  const config = loadConfig({ NODE_ENV: 'production', CHORUS_DATA_DIR: dir, DATABASE_URL: `sqlite:${path.join(dir, 'c.sqlite')}`, CHORUS_SECRET: 'bench-secret-0123456789abcdef', CHORUS_SMTP_ENABLED: 'false', CHORUS_WORKERS: 'false', LOG_LEVEL: 'silent' }, { readDotEnv: false });
  const chorus = await createChorus(config, { logger: createLogger('silent') });
  const bareDb = new Database(path.join(dir, 'bare.sqlite'));
  bareDb.pragma('journal_mode = WAL');
  bareDb.exec('CREATE TABLE posts (id INTEGER PRIMARY KEY, platform TEXT, external_id TEXT, author TEXT, followers INTEGER, text TEXT, posted_at INTEGER, raw TEXT, UNIQUE (platform, external_id))');
  const bareInsert = bareDb.prepare('INSERT OR IGNORE INTO posts (platform, external_id, author, followers, text, posted_at, raw) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const poll: number[] = [];
  const scored: number[] = [];
  const bare: number[] = [];
  try {
    const stream = await chorus.s.db.write((m) => listeningStreamRepository.insert(m, {
      name: 'bench', platform: 'mastodon', query: { keywords: ['acme'], phrases: [], hashtags: [], exclusions: [], language: null },
      settings: { apiBaseUrl: base, accessToken: 'bench-token' },
      enabled: true, pollSeconds: 60, cursor: null, lastPolledAt: null, lastError: null, nextPollAt: null, createdBy: null, createdAt: 1, updatedAt: 1,
    }));
    for (let i = 0; i < rounds; i++) {
      round = i;
      const t0 = performance.now();
      const r = await pollStream(chorus.s, (await listeningStreamRepository.findById(chorus.s.db.m, stream.id))!, Date.now());
      poll.push(performance.now() - t0);
      await chorus.s.bus.drain();
      scored.push(performance.now() - t0);
      if (r.created !== 100) throw new Error(`listening bench stored ${r.created} posts, expected 100 (${r.error ?? 'no error'})`);

      round = rounds + i;
      const b0 = performance.now();
      const body = await (await fetch(`${base}/api/v2/search?type=statuses&q=acme&limit=40`)).json() as { statuses: { id: string; account: { acct: string; followers_count: number }; content: string; created_at: string }[] };
      bareDb.transaction(() => {
        for (const s of body.statuses) bareInsert.run('mastodon', s.id, s.account.acct, s.account.followers_count, s.content, Date.parse(s.created_at), JSON.stringify(s));
      })();
      bare.push(performance.now() - b0);
    }
    const stat = (l: number[]) => ({ p50: percentile([...l].sort((a, b) => a - b), 50), max: Math.max(...l) });

    // The same polls on a stream with an auto-ticket rule (reach ≥ 12,000: 12 of each 100 posts),
    // timed until those posts are public tickets through the ingest pipeline.
    await createInbox(chorus.s.db, Date.now(), { name: 'Acme on Mastodon', channel: 'mastodon', settings: { apiBaseUrl: base, accessToken: 'bench-token' } });
    const ruled = await chorus.s.db.write((m) => listeningStreamRepository.insert(m, {
      name: 'bench rule', platform: 'mastodon', query: { keywords: ['acme'], phrases: [], hashtags: [], exclusions: [], language: null },
      settings: { apiBaseUrl: base, accessToken: 'bench-token', autoTicket: { minFollowers: 12_000, negative: false } },
      enabled: true, pollSeconds: 60, cursor: null, lastPolledAt: null, lastError: null, nextPollAt: null, createdBy: null, createdAt: 1, updatedAt: 1,
    }));
    const ruledRounds = Math.max(1, Math.ceil(rounds / 3));
    const rPoll: number[] = [];
    const rConverted: number[] = [];
    const ticketsBefore = Number((await chorus.s.db.m.query('SELECT COUNT(*) AS n FROM tickets'))[0].n);
    for (let i = 0; i < ruledRounds; i++) {
      round = 2 * rounds + i;
      const t0 = performance.now();
      const r = await pollStream(chorus.s, (await listeningStreamRepository.findById(chorus.s.db.m, ruled.id))!, Date.now());
      rPoll.push(performance.now() - t0);
      await chorus.s.bus.drain();
      rConverted.push(performance.now() - t0);
      if (r.created !== 100) throw new Error(`listening bench (rule) stored ${r.created} posts, expected 100 (${r.error ?? 'no error'})`);
    }
    const tickets = Number((await chorus.s.db.m.query('SELECT COUNT(*) AS n FROM tickets'))[0].n) - ticketsBefore;
    if (tickets !== 12 * ruledRounds) throw new Error(`listening bench (rule) made ${tickets} tickets, expected ${12 * ruledRounds}`);
    return { rounds, poll: stat(poll), scored: stat(scored), bare: stat(bare), ruled: { rounds: ruledRounds, tickets, poll: stat(rPoll), converted: stat(rConverted) } };
  } finally {
    server.close();
    bareDb.close();
    await chorus.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
