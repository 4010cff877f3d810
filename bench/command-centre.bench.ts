import { openDatabase } from '../src/db/data-source';
import { computeLiveFigures } from '../src/command-centre/live-figures';
import { liveFiguresRepository as q } from '../src/db/repositories/live-figures.repository';
import { envInt, seededFile, timeRounds, type Timing } from './util';

const H = 3_600_000;
const CHANNELS = ['email', 'email', 'email', 'webform', 'api', 'whatsapp', 'telegram', 'messenger', 'x', 'mastodon'];

// A year of tickets, nearly all solved; the open few (2 % awaiting the team, 1 % pending) carry
// the facts the command centre reads: created, agent replies, customer replies, public posts.
async function seeded(tickets: number, now: number): Promise<string> {
  return seededFile(`live-${tickets}`, (db) => {
    const insTicket = db.prepare(`INSERT INTO tickets (id, subject, status, priority, visibility, requester_id, assignee_id, inbox_id, channel, message_count, sla_due_at, awaiting_agent_since, last_activity_at, created_at, updated_at)
      VALUES (?, ?, ?, 'normal', ?, ?, ?, 1, ?, 3, ?, ?, ?, ?, ?)`);
    const insFact = db.prepare(`INSERT INTO report_facts (kind, at, ticket_id, inbox_id, channel, agent_id, contact_id, visibility, audience, reach) VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?)`);
    const contacts = 5000;
    const insContact = db.prepare("INSERT INTO contacts (name, reputation, banned, created_at) VALUES (?, 0, 0, 0)");
    const insIdentity = db.prepare("INSERT INTO identities (contact_id, kind, value, followers, verified, created_at) VALUES (?, 'x', ?, ?, 0, 0)");
    const insAgent = db.prepare("INSERT INTO agents (email, name, role, away, active, created_at) VALUES (?, ?, 'agent', ?, 1, 0)");
    let x = 11;
    const rnd = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    db.transaction(() => {
      for (let c = 1; c <= contacts; c++) {
        insContact.run(`Customer ${c}`);
        if (c % 3 === 0) insIdentity.run(c, `x-${c}`, Math.floor(rnd() * 50_000));
      }
      for (let a = 1; a <= 40; a++) insAgent.run(`agent${a}@bench.test`, `Agent ${a}`, a % 7 === 0 ? 1 : 0);
    })();
    const span = 365 * 24 * H;
    const chunk = 50_000;
    for (let start = 0; start < tickets; start += chunk) {
      db.transaction(() => {
        for (let id = start + 1; id <= Math.min(tickets, start + chunk); id++) {
          const r = rnd();
          const open = r < 0.03;
          // The open ones are recent; the rest spread over the year.
          const created = open ? now - Math.floor(rnd() * 72 * H) : now - span + Math.floor((span * id) / tickets);
          const ch = CHANNELS[id % CHANNELS.length];
          const vis = ch === 'x' || ch === 'mastodon' ? 'public' : 'private';
          const status = !open ? (rnd() < 0.7 ? 'closed' : 'solved') : r < 0.01 ? 'pending' : rnd() < 0.5 ? 'new' : 'open';
          const requester = 1 + Math.floor(rnd() * contacts);
          const agent = 1 + (id % 40);
          const due = open && rnd() < 0.5 ? now + Math.floor((rnd() - 0.3) * 4 * H) : null;
          // Waiting for the team: a new ticket since it opened, an open one since the customer's reply.
          const awaiting = status === 'new' ? created : status === 'open' ? created + H : null;
          insTicket.run(id, `Ticket ${id}`, status, vis, requester, open && rnd() < 0.7 ? agent : null, ch, due, awaiting, created, created, created);
          const aud = vis === 'public' ? 'public' : 'participants';
          insFact.run('ticket_created', created, id, ch, null, requester, vis, null, null);
          const answered = status !== 'new';
          if (answered) insFact.run('agent_reply', created + H / 2, id, ch, agent, null, vis, aud, null);
          if (status === 'open' || rnd() < 0.4) insFact.run('customer_reply', created + H, id, ch, null, requester, vis, aud, vis === 'public' ? Math.floor(rnd() * 5000) : null);
          if (!open) insFact.run('status_changed', created + 2 * H, id, ch, agent, null, vis, null, null);
        }
      })();
    }
  });
}

export interface LiveBench { tickets: number; open: number; seedSecs: number; board: Timing; parts: { name: string; t: Timing }[]; bare: Timing }

// The command centre's one computation (shared by every screen watching) at a million tickets,
// and each of its queries, beside the bare count of open tickets per channel.
export async function benchCommandCentre(): Promise<LiveBench> {
  const tickets = envInt('BENCH_LIVE_TICKETS', 1_000_000, 1000, 20_000_000);
  const rounds = envInt('BENCH_ROUNDS', 5, 1, 1000);
  const now = Date.UTC(2026, 0, 1);
  const t0 = Date.now();
  const file = await seeded(tickets, now);
  const seedSecs = (Date.now() - t0) / 1000;
  const ds = await openDatabase(`sqlite:${file}`);
  const m = ds.manager;
  const [{ n }] = await m.query(`SELECT COUNT(*) AS n FROM tickets WHERE status IN ('new', 'open', 'pending')`);
  const board = await timeRounds(() => computeLiveFigures(m, now, null), rounds, 1);
  const parts = [
    { name: 'open per channel', fn: () => q.openByChannel(m) },
    { name: 'longest waiting', fn: () => q.longestWaiting(m) },
    { name: 'due within 1 h', fn: () => Promise.all([q.dueBefore(m, now + H, 20), q.dueCountsBefore(m, now, now + H)]) },
    { name: 'public by reach', fn: () => q.unansweredPublic(m, 10) },
    { name: 'agents load', fn: () => q.openLoad(m) },
  ];
  const timed: { name: string; t: Timing }[] = [];
  for (const p of parts) timed.push({ name: p.name, t: await timeRounds(p.fn, rounds, 1) });
  const bare = await timeRounds(() => m.query(`SELECT channel, COUNT(*) AS n FROM tickets WHERE status IN ('new', 'open', 'pending') GROUP BY channel`), rounds, 1);
  await ds.destroy();
  return { tickets, open: Number(n), seedSecs, board, parts: timed, bare };
}
