import Database from 'better-sqlite3';
import { openDatabase } from '../src/db/data-source';
import { reportRollupRepository } from '../src/db/repositories/report-rollup.repository';
import { resolveRange } from '../src/reports/report-range';
import { buildView, VIEWS } from '../src/reports/report-views';
import { envInt, seededFile, timeRounds, type Timing } from './util';

const DAY = 86_400_000;
const H = 3_600_000;
const CHANNELS = ['email', 'email', 'email', 'webform', 'api', 'whatsapp', 'telegram', 'messenger', 'x', 'community'];

// report_facts as a year of work would leave them: per ticket a create, first response, one or
// two replies, a customer reply, most solved, some reopened; public ones wait with a reach.
async function seeded(tickets: number, end: number): Promise<{ file: string; facts: number }> {
  let facts = 0;
  const file = await seededFile(`reports-${tickets}`, (db) => {
    const ins = db.prepare(`INSERT INTO report_facts (kind, at, ticket_id, inbox_id, channel, team_id, agent_id, contact_id, visibility, audience, status_from, status_to, wall_ms, reach, value)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const insTicket = db.prepare(`INSERT INTO tickets (id, subject, status, priority, visibility, requester_id, inbox_id, channel, message_count, last_activity_at, created_at, updated_at)
      VALUES (?, ?, 'open', 'normal', 'public', 1, 1, ?, 1, ?, ?, ?)`);
    db.prepare("INSERT INTO contacts (name, reputation, banned, created_at) VALUES ('Member', 0, 0, 0)").run();
    let x = 7;
    const rnd = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const span = 365 * DAY;
    const chunk = 50_000;
    for (let start = 0; start < tickets; start += chunk) {
      db.transaction(() => {
        for (let id = start + 1; id <= Math.min(tickets, start + chunk); id++) {
          const at = end - span + Math.floor((span * id) / tickets);
          const ch = CHANNELS[id % CHANNELS.length];
          const pub = ch === 'x' || ch === 'community';
          const vis = pub ? 'public' : 'private';
          const team = id % 4 === 0 ? null : 1 + (id % 5);
          const agent = 1 + (id % 40);
          const inbox = 1 + (id % 12);
          const row = (kind: string, t: number, o: { agent?: number | null; contact?: number | null; aud?: string | null; from?: string | null; to?: string | null; wall?: number | null; reach?: number | null; value?: number | null } = {}) => {
            if (t >= end) return;
            ins.run(kind, t, id, inbox, ch, team, o.agent ?? null, o.contact ?? null, vis, o.aud ?? null, o.from ?? null, o.to ?? null, o.wall ?? null, o.reach ?? null, o.value ?? null);
            facts++;
          };
          if (pub) insTicket.run(id, `Ticket ${id}`, ch, at, at, at);
          row('ticket_created', at);
          const frt = Math.floor(rnd() * 8 * H);
          if (ch === 'x') row('customer_reply', at, { aud: 'public', reach: Math.floor(rnd() * 20000) });
          if (ch === 'community' && rnd() < 0.6) row('community_answer', at + frt / 2, { contact: 1, aud: 'public', wall: frt / 2, value: 1 });
          row('first_response', at + frt, { agent, wall: frt });
          row('agent_reply', at + frt, { agent, aud: pub ? 'public' : 'participants' });
          if (ch === 'x') row('public_answer_wait', at + frt, { agent, reach: Math.floor(rnd() * 20000), wall: frt });
          if (rnd() < 0.5) row('agent_reply', at + frt + 3 * H, { agent, aud: 'participants' });
          if (rnd() < 0.2) row('note', at + frt + H, { agent, aud: 'staff' });
          const res = frt + Math.floor(rnd() * 48 * H);
          if (rnd() < 0.85) {
            row('status_changed', at + res, { agent, from: 'open', to: 'solved', wall: res });
            if (rnd() < 0.05) row('status_changed', at + res + 6 * H, { from: 'solved', to: 'open' });
          }
        }
      })();
    }
  });
  const db = new Database(file, { readonly: true });
  facts = (db.prepare('SELECT COUNT(*) AS n FROM report_facts').get() as { n: number }).n;
  db.close();
  return { file, facts };
}

export interface ReportsBench { tickets: number; facts: number; seedSecs: number; rollups: { rows: number; outcomes: number; secs: number; perSec: number }; views: { view: string; t: Timing }[]; bare: Timing; overview: Timing; ratio: number }

// Every report view over the last 90 days, timed server-side (query + presenter, no HTTP), and
// the overview beside the bare SQL aggregate over the same facts and days.
export async function benchReports(): Promise<ReportsBench> {
  const tickets = envInt('BENCH_REPORT_TICKETS', 1_000_000, 1000, 20_000_000);
  const rounds = envInt('BENCH_ROUNDS', 5, 1, 1000);
  const end = Date.UTC(2026, 0, 1);
  const t0 = Date.now();
  const { file, facts } = await seeded(tickets, end);
  const seedSecs = (Date.now() - t0) / 1000;
  const ds = await openDatabase(`sqlite:${file}`);
  const m = ds.manager;
  // The seed writes facts in bulk, around the repository: the rollups are rebuilt from them
  // (what reports:backfill's last step does), timed.
  // BENCH_REPORT_KEEP=1 keeps the rollups a previous run of this build rebuilt in the cached file
  // (only while the rollup code is unchanged since: a new migration makes a new file anyway).
  const keep = process.env.BENCH_REPORT_KEEP === '1' && Number((await m.query('SELECT COUNT(*) AS n FROM report_rollups'))[0].n) > 0;
  const r0 = performance.now();
  const built = keep
    ? { facts, rows: Number((await m.query('SELECT COUNT(*) AS n FROM report_rollups'))[0].n), outcomes: Number((await m.query('SELECT COUNT(*) AS n FROM report_outcomes'))[0].n) }
    : await ds.transaction((tx) => reportRollupRepository.rebuildFromFacts(tx));
  const rollupSecs = keep ? NaN : (performance.now() - r0) / 1000;
  const range = resolveRange({ range: '90', tz: 'UTC' }, end - 1);
  // BENCH_REPORT_VIEWS=agents,community times a subset (the overview is always timed: it is the ratio's side).
  const wanted = (process.env.BENCH_REPORT_VIEWS ?? '').split(',').map((v) => v.trim()).filter(Boolean);
  const unknown = wanted.filter((v) => !(VIEWS as readonly string[]).includes(v));
  if (unknown.length) throw new Error(`BENCH_REPORT_VIEWS names unknown views: ${unknown.join(', ')} (known: ${VIEWS.join(', ')})`);
  const views: { view: string; t: Timing }[] = [];
  for (const view of VIEWS.filter((v) => !wanted.length || v === 'overview' || wanted.includes(v))) views.push({ view, t: await timeRounds(() => buildView(view, m, range, {}, end), rounds, 1) });
  const bare = await timeRounds(() => m.query('SELECT kind, COUNT(*) AS n FROM report_facts WHERE at >= ? AND at < ? GROUP BY kind', [range.current.from, range.current.to]), rounds, 1);
  await ds.destroy();
  const overview = views.find((v) => v.view === 'overview')!.t;
  return { tickets, facts, seedSecs, rollups: { rows: built.rows, outcomes: built.outcomes, secs: rollupSecs, perSec: built.facts / rollupSecs }, views, bare, overview, ratio: overview.p50 / bare.p50 };
}
