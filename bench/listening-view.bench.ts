import path from 'node:path';
import Database from 'better-sqlite3';
import { createChorus } from '../src/app';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { envInt, seededFile, timeRounds, type Timing } from './util';

const WORDS = 'acme router wifi drops again support slow refund broken love great terrible update firmware outage mesh app login'.split(' ');
const STATUS_MIX = ['new', 'new', 'new', 'new', 'new', 'new', 'new', 'new', 'dismissed', 'ticketed'];
const PLATFORMS = ['mastodon', 'x', 'bluesky'];

// `items` listened posts found by three streams (every tenth by two), a tenth dismissed and a
// tenth already tickets, as a month of polling would leave them; bulk inserted, cached per size.
export async function seededListening(items: number): Promise<string> {
  return seededFile(`listening-${items}`, (db) => {
    const now = Date.now();
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    db.prepare("INSERT INTO agents (email, name, role, away, active, created_at) VALUES ('agent@bench.test', 'Agent', 'agent', 0, 1, ?)").run(now);
    const stream = db.prepare('INSERT INTO listening_streams (name, platform, query, settings, enabled, poll_seconds, created_at, updated_at) VALUES (?, ?, ?, ?, 0, 60, ?, ?)');
    PLATFORMS.forEach((p, i) => stream.run(`Acme on ${p}`, p, JSON.stringify({ keywords: ['acme'], phrases: [], hashtags: i ? [] : ['AcmeRouter'], exclusions: [], language: null }), JSON.stringify({ apiBaseUrl: 'http://127.0.0.1:1' }), now, now));
    const item = db.prepare(`INSERT INTO listening_items (platform, external_id, author_id, author_handle, author_name, author_url, author_followers, text, language, url, posted_at, found_at, sentiment, status, ticket_id, raw, updated_at, priority)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'en', ?, ?, ?, ?, ?, NULL, NULL, ?, ?)`);
    // Decided long ago: the auto-ticket sweep has nothing to do here.
    const match = db.prepare('INSERT INTO listening_item_matches (item_id, stream_id, query, matched_at, auto_checked_at) VALUES (?, ?, ?, ?, ?)');
    db.transaction(() => {
      for (let i = 0; i < items; i++) {
        const p = i % 3;
        const at = now - (items - i) * 25_000;
        const followers = Math.floor(rnd() ** 4 * 200_000);
        const sentiment = Math.round((rnd() * 2 - 1) * 100) / 100;
        const text = Array.from({ length: 18 }, () => WORDS[Math.floor(rnd() * WORDS.length)]).join(' ');
        const { lastInsertRowid } = item.run(PLATFORMS[p], `post-${i}`, `a${i % 20_000}`, `user${i % 20_000}`, `User ${i % 20_000}`, `https://fake.social/@user${i % 20_000}`, followers, text,
          `https://fake.social/@user${i % 20_000}/${i}`, at, at + 30_000, sentiment, STATUS_MIX[i % 10], at + 30_000, followers * (sentiment < 0 ? 3 : 1));
        match.run(lastInsertRowid, p + 1, 'acme', at + 30_000, at + 30_000);
        if (i % 10 === 3) match.run(lastInsertRowid, ((p + 1) % 3) + 1, 'acme', at + 60_000, at + 60_000);
      }
    })();
  });
}

export interface ListeningViewResult { items: number; newItems: number; seedSecs: number; cases: { name: string; bare: Timing; chorus: Timing }[] }

// The listening view at `BENCH_LISTENING_ITEMS` (100,000) posts over HTTP: the /listening page
// (HTML) and GET /api/listening/items, newest and by priority, first page and one deep in the
// keyset, each beside the bare SQL of the same page (its 51 rows, their matches, the count).
export async function benchListeningView(): Promise<ListeningViewResult> {
  const items = envInt('BENCH_LISTENING_ITEMS', 100_000, 1_000, 5_000_000);
  const rounds = envInt('BENCH_ROUNDS', 300, 20, 100_000);
  const seedStart = Date.now();
  const file = await seededListening(items);
  const seedSecs = (Date.now() - seedStart) / 1000;
  const config = loadConfig({ DATABASE_URL: `sqlite:${file}`, CHORUS_DATA_DIR: path.dirname(file), CHORUS_SECRET: 'bench-secret-0123456789', CHORUS_SMTP_ENABLED: 'false', CHORUS_WORKERS: 'false', LOG_LEVEL: 'silent', NODE_ENV: 'production' }, { readDotEnv: false });
  const chorus = await createChorus(config, { logger: createLogger('silent') });
  const port = await chorus.listen(0, '127.0.0.1');
  chorus.server.keepAliveTimeout = 600_000;
  const bare = new Database(file, { readonly: true });
  try {
    const agent = bare.prepare("SELECT id FROM agents WHERE email = 'agent@bench.test'").get() as { id: number };
    const token = await chorus.s.sessions.createApiToken(agent.id, 'bench');
    const get = async (p: string) => {
      const r = await fetch(`http://127.0.0.1:${port}${p}`, { headers: { authorization: `Bearer ${token}` } });
      if (r.status !== 200) throw new Error(`GET ${p} answered ${r.status}`);
      await r.arrayBuffer();
    };
    const newItems = (bare.prepare("SELECT COUNT(*) AS n FROM listening_items WHERE status = 'new'").get() as { n: number }).n;
    // A cursor half-way down each order, as an agent paging far back would hold.
    const deep = (col: 'posted_at' | 'priority') => {
      const r = bare.prepare(`SELECT ${col} AS v, id FROM listening_items WHERE status = 'new' ORDER BY ${col} DESC, id DESC LIMIT 1 OFFSET ?`).get(Math.floor(newItems / 2)) as { v: number; id: number };
      return `${r.v}.${r.id}`;
    };
    const barePage = (col: 'posted_at' | 'priority', after: string | null) => {
      const [v, id] = after ? after.split('.').map(Number) : [0, 0];
      const sql = `SELECT * FROM listening_items WHERE status = 'new'${after ? ` AND (${col}, id) < (?, ?)` : ''} ORDER BY ${col} DESC, id DESC LIMIT 51`;
      const stmt = bare.prepare(sql);
      const matches = bare.prepare('SELECT * FROM listening_item_matches WHERE item_id IN (SELECT value FROM json_each(?)) ORDER BY id');
      const count = bare.prepare("SELECT COUNT(*) FROM listening_items WHERE status = 'new'");
      return () => {
        const rows = (after ? stmt.all(v, id) : stmt.all()) as { id: number }[];
        matches.all(JSON.stringify(rows.map((r) => r.id)));
        count.get();
      };
    };
    const cases: { name: string; path: string; bare: () => void }[] = [];
    for (const [sort, col] of [['newest', 'posted_at'], ['priority', 'priority']] as const) {
      const cursor = deep(col);
      cases.push(
        { name: `/api/listening/items ${sort}`, path: `/api/listening/items?sort=${sort}`, bare: barePage(col, null) },
        { name: `/api/listening/items ${sort}, deep`, path: `/api/listening/items?sort=${sort}&after=${cursor}`, bare: barePage(col, cursor) },
        { name: `/listening ${sort}`, path: `/listening?sort=${sort}`, bare: barePage(col, null) },
        { name: `/listening ${sort}, deep`, path: `/listening?sort=${sort}&after=${cursor}`, bare: barePage(col, cursor) },
      );
    }
    const out = [];
    for (const c of cases) {
      const bareT = await timeRounds(c.bare, Math.min(rounds, 200), 10);
      const chorusT = await timeRounds(() => get(c.path), Math.min(rounds, 200), 10);
      out.push({ name: c.name, bare: bareT, chorus: chorusT });
    }
    return { items, newItems, seedSecs, cases: out };
  } finally {
    bare.close();
    await chorus.close();
  }
}
