import path from 'node:path';
import Database from 'better-sqlite3';
import { createChorus } from '../src/app';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { ticketCountRepository } from '../src/db/repositories/ticket-count.repository';
import { envInt, seededFile, timeRounds } from './util';

const STATUSES = ['new', 'open', 'open', 'open', 'pending', 'solved', 'solved', 'closed', 'closed', 'closed'];
const CHANNELS = ['email', 'email', 'email', 'webform', 'api', 'whatsapp', 'telegram', 'messenger', 'x', 'mastodon'];
const TAGS = ['billing', 'bug', 'login', 'refund', 'feature-request', 'shipping', 'vip', 'api'];
const WORDS = ('invoice refund password login export csv shipping parcel delivery order account billing plan upgrade downgrade cancel subscription ' +
  'error crash slow sync mobile app android iphone browser chrome firefox safari webhook api token limit quota report dashboard team member ' +
  'invite permission admin settings language german french spanish tax vat receipt discount coupon trial payment card declined bank transfer').split(' ');

// The agent pages at scale: a SQLite file with `tickets` tickets, three messages each (one a
// staff note), tags and contacts, built through Chorus's migrations so FTS triggers index it.
export async function seededPages(tickets: number): Promise<string> {
  return seededFile(`pages-${tickets}`, (db) => {
    const now = Date.now();
    const contacts = Math.max(1000, Math.floor(tickets / 5));
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const sentence = (n: number) => Array.from({ length: n }, () => WORDS[Math.floor(rnd() * WORDS.length)]).join(' ');
    const ins = {
      contact: db.prepare('INSERT INTO contacts (name, reputation, banned, created_at) VALUES (?, 0, 0, ?)'),
      identity: db.prepare("INSERT INTO identities (contact_id, kind, value, verified, followers, created_at) VALUES (?, 'email', ?, 0, ?, ?)"),
      agent: db.prepare("INSERT INTO agents (email, name, role, away, active, created_at) VALUES (?, ?, 'agent', 0, 1, ?)"),
      inbox: db.prepare("INSERT INTO inboxes (name, channel, secret, follow_up_days, round_robin, created_at) VALUES (?, 'email', 'x', 30, 0, ?)"),
      team: db.prepare('INSERT INTO teams (name, created_at) VALUES (?, ?)'),
      ticket: db.prepare(`INSERT INTO tickets (subject, status, priority, visibility, requester_id, assignee_id, team_id, inbox_id, channel, snippet, message_count, last_activity_at, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 3, ?, ?, ?)`),
      message: db.prepare(`INSERT INTO messages (ticket_id, author_type, author_contact_id, author_agent_id, channel, direction, audience, text, hidden, score, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?)`),
      tag: db.prepare('INSERT INTO ticket_tags (ticket_id, tag) VALUES (?, ?)'),
    };
    db.transaction(() => {
      for (let a = 1; a <= 40; a++) ins.agent.run(`agent${a}@bench.test`, `Agent ${a}`, now);
      for (let i = 1; i <= 8; i++) ins.inbox.run(`Inbox ${i}`, now);
      for (let i = 1; i <= 5; i++) ins.team.run(`Team ${i}`, now);
      for (let c = 1; c <= contacts; c++) {
        ins.contact.run(`Customer ${c}`, now);
        ins.identity.run(c, `customer${c}@bench.test`, c % 7 === 0 ? c * 3 : null, now);
      }
    })();
    for (let start = 0; start < tickets; start += 20_000) {
      db.transaction(() => {
        for (let i = start; i < Math.min(tickets, start + 20_000); i++) {
          const at = now - (tickets - i) * 1000;
          const ch = CHANNELS[i % CHANNELS.length];
          const requester = 1 + (i % contacts);
          const first = `Hello, ${sentence(14)} for order ${i * 7}.`;
          const { lastInsertRowid } = ins.ticket.run(`${sentence(5)} #${i}`, STATUSES[i % STATUSES.length], i % 17 === 0 ? 'high' : 'normal', i % 4 === 0 ? 'public' : 'private',
            requester, i % 3 === 0 ? null : 1 + (i % 40), i % 5 === 0 ? 1 + (i % 5) : null, 1 + (i % 8), ch, first.slice(0, 200), at, at - 3_600_000, at);
          const id = Number(lastInsertRowid);
          ins.message.run(id, 'contact', requester, null, ch, 'inbound', i % 4 === 0 ? 'public' : 'participants', first, at - 3_600_000);
          ins.message.run(id, 'agent', null, 1 + (i % 40), 'note', 'internal', 'staff', `Note: ${sentence(10)}`, at - 1_800_000);
          ins.message.run(id, 'agent', null, 1 + (i % 40), ch, 'outbound', i % 4 === 0 ? 'public' : 'participants', `Thanks! ${sentence(18)}`, at);
          if (i % 2 === 0) ins.tag.run(id, TAGS[i % TAGS.length]);
        }
      })();
    }
    // Rows written behind the commands' back: the kept inbox counts are rebuilt from them once.
    for (const sql of ticketCountRepository.rebuildSql()) db.exec(sql);
  });
}

// Server-side latency of the agent inbox page and of search, at `BENCH_PAGE_TICKETS` (100,000)
// tickets: the page as HTML with every sidebar count, and search beside the bare FTS5 query.
// A very common word is searched while list requests run, to show search does not stall them.
export async function benchAgentPages() {
  const tickets = envInt('BENCH_PAGE_TICKETS', 100_000, 1_000, 5_000_000);
  const rounds = envInt('BENCH_ROUNDS', 300, 20, 100_000);
  const seedStart = Date.now();
  const file = await seededPages(tickets);
  const seedSecs = (Date.now() - seedStart) / 1000;

  const config = loadConfig({ DATABASE_URL: `sqlite:${file}`, CHORUS_DATA_DIR: path.dirname(file), CHORUS_SECRET: 'bench-secret-0123456789', CHORUS_SMTP_ENABLED: 'false', CHORUS_WORKERS: 'false', LOG_LEVEL: 'silent', NODE_ENV: 'production' }, { readDotEnv: false });
  const chorus = await createChorus(config, { logger: createLogger('silent') });
  const port = await chorus.listen(0, '127.0.0.1');
  // The client's keep-alive connection sits idle while the bare queries are timed; at a million
  // tickets that is longer than Node's 5 s default, and a reused socket would be cut mid-request.
  chorus.server.keepAliveTimeout = 600_000;
  const agent = (await chorus.s.db.m.query('SELECT id FROM agents ORDER BY id LIMIT 1 OFFSET 1'))[0].id;
  const token = await chorus.s.sessions.createApiToken(agent, 'bench');
  const get = async (p: string) => {
    const r = await fetch(`http://127.0.0.1:${port}${p}`, { headers: { authorization: `Bearer ${token}` } });
    if (r.status !== 200) throw new Error(`GET ${p} answered ${r.status}`);
    await r.arrayBuffer();
  };
  const time = (fn: () => unknown, n = rounds) => timeRounds(fn, n, 10);

  const pages = [
    { name: 'inbox: unassigned', path: '/inbox' },
    { name: 'inbox: all open', path: '/inbox?view=open' },
    { name: 'inbox: by priority', path: '/inbox?view=open&sort=priority' },
    { name: 'inbox: tag billing', path: '/inbox?view=active&tag=billing' },
  ];
  // Warm: nothing changed since the last request, the shared sidebar counts are reused.
  // Cold: a ticket changed before every request, so the counts are computed again.
  const changed = () => chorus.s.bus.publish([{ name: 'ticket.updated', payload: { ticketId: 1, changes: ['status'] } }]);
  const pageResults = [];
  for (const p of pages) {
    const warm = await time(() => get(p.path), Math.min(rounds, 100));
    const cold = await time(async () => {
      changed();
      await get(p.path);
    }, Math.min(rounds, 100));
    pageResults.push({ ...p, warm, cold });
  }

  const bare = new Database(file, { readonly: true });
  const bareSearch = bare.prepare(`SELECT msg.ticket_id, msg.id, t.subject, snippet(messages_fts, 0, '[', ']', '…', 16) AS snippet, msg.audience, msg.created_at
    FROM messages_fts JOIN messages msg ON msg.id = messages_fts.rowid JOIN tickets t ON t.id = msg.ticket_id
    WHERE messages_fts MATCH ? AND t.merged_into_id IS NULL ORDER BY messages_fts.rowid DESC LIMIT 40`);
  const searches = [
    { name: 'rare word', q: `order ${Math.floor(tickets / 2) * 7}`, match: `"order"* "${Math.floor(tickets / 2) * 7}"*` },
    { name: 'two words', q: 'refund parcel', match: '"refund"* "parcel"*' },
    { name: 'common word', q: 'hello', match: '"hello"*' },
  ];
  const searchResults = [];
  for (const s of searches) {
    const bareT = await time(() => bareSearch.all(s.match), Math.min(rounds, 100));
    const pageT = await time(() => get(`/search?q=${encodeURIComponent(s.q)}`), Math.min(rounds, 100));
    const apiT = await time(() => get(`/api/search?q=${encodeURIComponent(s.q)}&limit=40`), Math.min(rounds, 100));
    searchResults.push({ name: s.name, q: s.q, bare: bareT, page: pageT, api: apiT, ratio: apiT.p50 / bareT.p50 });
  }

  // A list request's latency alone, then while common-word searches run back to back.
  const listAlone = await time(() => get('/api/tickets?status=open&limit=50'), 100);
  let stop = false;
  const hammer = (async () => {
    while (!stop) await get('/search?q=hello');
  })();
  const listDuring = await time(() => get('/api/tickets?status=open&limit=50'), 100);
  stop = true;
  await hammer;
  bare.close();
  await chorus.close();
  return { tickets, seedSecs, pages: pageResults, searches: searchResults, listAlone, listDuring };
}
