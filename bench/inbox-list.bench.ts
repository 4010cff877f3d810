import path from 'node:path';
import Database from 'better-sqlite3';
import express from 'express';
import { createChorus } from '../src/app';
import { loadConfig } from '../src/config';
import { ticketRepository, type TicketFilters } from '../src/db/repositories/ticket.repository';
import { ticketCountRepository } from '../src/db/repositories/ticket-count.repository';
import { createLogger } from '../src/logger';
import { envInt, seededFile, timeRounds, type Timing } from './util';

const STATUSES = ['new', 'open', 'open', 'open', 'pending', 'solved', 'solved', 'closed', 'closed', 'closed'];
const AGENTS = 40;
const INBOXES = 12;

// Seeds the SQLite file through Chorus's migrations, then bulk-inserts rows directly (the
// point is to measure reads; seeding through the API would take hours). Cached by size and schema.
export async function seeded(tickets: number): Promise<string> {
  return seededFile(`${tickets}`, (db) => {
    const now = Date.now();
    const contacts = Math.max(1000, Math.floor(tickets / 10));
    const insContact = db.prepare('INSERT INTO contacts (name, reputation, banned, created_at) VALUES (?, 0, 0, ?)');
    const insIdentity = db.prepare("INSERT INTO identities (contact_id, kind, value, verified, followers, created_at) VALUES (?, 'email', ?, 0, ?, ?)");
    const insAgent = db.prepare("INSERT INTO agents (email, name, role, away, active, created_at) VALUES (?, ?, 'agent', 0, 1, ?)");
    const insInbox = db.prepare("INSERT INTO inboxes (name, channel, secret, follow_up_days, round_robin, created_at) VALUES (?, 'api', 'x', 30, 0, ?)");
    const insTicket = db.prepare(`INSERT INTO tickets (subject, status, priority, visibility, requester_id, assignee_id, inbox_id, channel, snippet, message_count, last_activity_at, created_at, updated_at)
      VALUES (?, ?, 'normal', 'private', ?, ?, ?, 'api', ?, 1, ?, ?, ?)`);
    db.transaction(() => {
      for (let a = 1; a <= AGENTS; a++) insAgent.run(`agent${a}@bench.test`, `Agent ${a}`, now);
      for (let i = 1; i <= INBOXES; i++) insInbox.run(`Inbox ${i}`, now);
      for (let c = 1; c <= contacts; c++) {
        insContact.run(`Customer ${c}`, now);
        insIdentity.run(c, `customer${c}@bench.test`, c % 7 === 0 ? c * 3 : null, now);
      }
    })();
    const chunk = 50_000;
    for (let start = 0; start < tickets; start += chunk) {
      db.transaction(() => {
        for (let i = start; i < Math.min(tickets, start + chunk); i++) {
          const at = now - (tickets - i) * 1000;
          const status = STATUSES[i % STATUSES.length];
          const assignee = i % 3 === 0 ? null : 1 + (i % AGENTS);
          insTicket.run(`Ticket ${i} about order ${i * 7}`, status, 1 + (i % contacts), assignee, 1 + (i % INBOXES), `Hello, I have a question about order ${i * 7}.`, at, at, at);
        }
      })();
    }
    // Rows written behind the commands' back: the kept inbox counts are rebuilt from them once.
    for (const sql of ticketCountRepository.rebuildSql()) db.exec(sql);
  });
}

interface Case {
  name: string;
  filters: TicketFilters;
  sql: string;
  params: unknown[];
}

// The inbox's real lists at scale: Chorus's list path (repository + TypeORM) and the full HTTP
// endpoint, each beside the bare better-sqlite3 query on the same file returning the same rows.
export async function benchInboxList() {
  const tickets = envInt('BENCH_TICKETS', 1_000_000, 1_000, 20_000_000);
  const rounds = envInt('BENCH_ROUNDS', 300, 20, 100_000);
  const seedStart = Date.now();
  const file = await seeded(tickets);
  const seedSecs = (Date.now() - seedStart) / 1000;
  const cols = 't.*';
  const cases: Case[] = [
    { name: 'unassigned open', filters: { status: ['open'], assigneeId: null }, sql: `SELECT ${cols} FROM tickets t WHERE t.merged_into_id IS NULL AND t.status = ? AND t.assignee_id IS NULL ORDER BY t.last_activity_at DESC, t.id DESC LIMIT 50`, params: ['open'] },
    { name: 'mine open', filters: { status: ['open'], assigneeId: 2 }, sql: `SELECT ${cols} FROM tickets t WHERE t.merged_into_id IS NULL AND t.status = ? AND t.assignee_id = ? ORDER BY t.last_activity_at DESC, t.id DESC LIMIT 50`, params: ['open', 2] },
    { name: 'inbox pending', filters: { status: ['pending'], inboxId: 3 }, sql: `SELECT ${cols} FROM tickets t WHERE t.merged_into_id IS NULL AND t.status = ? AND t.inbox_id = ? ORDER BY t.last_activity_at DESC, t.id DESC LIMIT 50`, params: ['pending', 3] },
  ];

  const config = loadConfig({ DATABASE_URL: `sqlite:${file}`, CHORUS_DATA_DIR: path.dirname(file), CHORUS_SECRET: 'bench-secret-0123456789', CHORUS_SMTP_ENABLED: 'false', CHORUS_WORKERS: 'false', LOG_LEVEL: 'silent', NODE_ENV: 'production' }, { readDotEnv: false });
  const chorus = await createChorus(config, { logger: createLogger('silent') });
  const port = await chorus.listen(0, '127.0.0.1');
  const agent = (await chorus.s.db.m.query('SELECT id FROM agents ORDER BY id LIMIT 1'))[0].id;
  const token = await chorus.s.sessions.createApiToken(agent, 'bench');
  const bare = new Database(file, { readonly: true });
  // The same list over HTTP from bare express + the bare query, to compare the full endpoint with.
  const bareApp = express();
  const bareServer = bareApp.listen(0, '127.0.0.1');
  await new Promise((r) => bareServer.once('listening', r));
  const barePort = (bareServer.address() as { port: number }).port;

  const time = (fn: () => unknown) => timeRounds(fn, rounds, 20);

  const results: { name: string; bare: Timing; repository: Timing; http: Timing; bareHttp: Timing; ratio: number; httpRatio: number }[] = [];
  for (const c of cases) {
    const stmt = bare.prepare(c.sql);
    const route = `/bare/${results.length}`;
    bareApp.get(route, (_req, res) => {
      res.json({ tickets: stmt.all(...c.params) });
    });
    const bareHttpT = await time(async () => {
      const r = await fetch(`http://127.0.0.1:${barePort}${route}`);
      await r.arrayBuffer();
    });
    const bareT = await time(() => stmt.all(...c.params));
    const repoT = await time(() => ticketRepository.list(chorus.s.db.m, c.filters, 50));
    const q = new URLSearchParams({ status: c.filters.status!.join(','), limit: '50' });
    if (c.filters.assigneeId === null) q.set('assignee', 'none');
    else if (c.filters.assigneeId) q.set('assignee', String(c.filters.assigneeId));
    if (c.filters.inboxId) q.set('inbox', String(c.filters.inboxId));
    const httpT = await time(async () => {
      const r = await fetch(`http://127.0.0.1:${port}/api/tickets?${q}`, { headers: { authorization: `Bearer ${token}` } });
      if (r.status !== 200) throw new Error(`GET /api/tickets answered ${r.status}`);
      await r.arrayBuffer();
    });
    results.push({ name: c.name, bare: bareT, repository: repoT, http: httpT, bareHttp: bareHttpT, ratio: repoT.p50 / bareT.p50, httpRatio: httpT.p50 / bareHttpT.p50 });
  }
  bare.close();
  bareServer.close();
  await chorus.close();
  return { tickets, rounds, seedSecs, results };
}
