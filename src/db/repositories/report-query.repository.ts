import type { EntityManager } from 'typeorm';
import { workFromRollups } from './report-handled-query';
import { reportOutcomeRepository as outcomes } from './report-outcome.repository';
import { outcomesServe, rollupCounts, rollupSpread, rollupSpreadAsks, rollupSpreads, rollupsServe } from './report-rollup-query';

// Read queries for /reports: aggregates over report_facts only (never messages), written once
// in SQL both SQLite and Postgres run alike. Medians and p90 come from ROW_NUMBER() over the
// period's durations, picking only the ranks needed, so both stores return identical numbers.

export interface FactFilters { channel?: string; inboxId?: number; teamId?: number; agentId?: number; tag?: string }
export interface Window { from: number; to: number }
// A period cut into the viewer's local days (each starts and ends on a 15-minute boundary).
export interface DayWindow extends Window { days: { start: number; end: number }[] }
export type Group = 'channel' | 'agent_id' | 'team_id';
export type Measure = 'first_response' | 'resolution' | 'community_first_answer';

export interface Counts { created: number; replies: number; solved: number; reopened: number; backlogDelta: number }
export interface Spread { n: number; median: number | null; p90: number | null }

// 15-minute buckets: every IANA zone's offset is a multiple of 15 minutes, so buckets sum into
// local days exactly in any zone.
export const BUCKET_MS = 900_000;

const DONE = `('solved', 'closed')`;
const COUNTS = `
  SUM(CASE WHEN f.kind = 'ticket_created' THEN 1 ELSE 0 END) AS created,
  SUM(CASE WHEN f.kind = 'agent_reply' THEN 1 ELSE 0 END) AS replies,
  SUM(CASE WHEN f.kind = 'status_changed' AND f.status_to = 'solved' THEN 1 ELSE 0 END) AS solved,
  SUM(CASE WHEN f.kind = 'status_changed' AND f.status_from IN ${DONE} AND f.status_to NOT IN ${DONE} THEN 1 ELSE 0 END) AS reopened,
  SUM(CASE WHEN f.kind = 'ticket_created' THEN 1
           WHEN f.kind = 'status_changed' AND f.status_from NOT IN ${DONE} AND f.status_to IN ${DONE} THEN -1
           WHEN f.kind = 'status_changed' AND f.status_from IN ${DONE} AND f.status_to NOT IN ${DONE} THEN 1
           ELSE 0 END) AS backlog_delta`;

// Only these kinds move the counts: scans name them so the (kind, at) index bounds the rows.
const COUNTED = `f.kind IN ('ticket_created', 'agent_reply', 'status_changed')`;
const BACKLOG_KINDS = `f.kind IN ('ticket_created', 'status_changed')`;

const MEASURES: Record<Measure, string> = {
  first_response: `f.kind = 'first_response'`,
  resolution: `f.kind = 'status_changed' AND f.status_to = 'solved'`,
  community_first_answer: `f.kind = 'community_answer' AND f.value = 1`,
};

// Community questions: their facts carry the community channel (the ask form's tickets too).
const COMMUNITY = `f.channel = 'community'`;

// A public answer (an agent's public reply or a community answer by someone else) ends a wait.
const ANSWERED_BEFORE_END = `EXISTS (SELECT 1 FROM report_facts a WHERE a.ticket_id = f.ticket_id AND a.at >= f.at AND a.at < :end
  AND ((a.kind = 'agent_reply' AND a.audience = 'public') OR (a.kind = 'community_answer' AND (a.contact_id IS NULL OR f.contact_id IS NULL OR a.contact_id <> f.contact_id))))`;

// A public customer post (one that opened the ticket, or a later one) with no public answer
// before the end of the period.
const STILL_WAITING = `f.kind IN ('ticket_created', 'customer_reply') AND f.visibility = 'public' AND f.audience = 'public' AND f.at < :end AND NOT ${ANSWERED_BEFORE_END}`;

export function filterSql(w: Partial<Window>, f: FactFilters): { sql: string; params: Record<string, unknown> } {
  const c: string[] = [];
  const params: Record<string, unknown> = {};
  if (w.from !== undefined) (c.push('f.at >= :from'), (params.from = w.from));
  if (w.to !== undefined) (c.push('f.at < :to'), (params.to = w.to));
  if (f.channel) (c.push('f.channel = :channel'), (params.channel = f.channel));
  if (f.inboxId) (c.push('f.inbox_id = :inboxId'), (params.inboxId = f.inboxId));
  if (f.teamId) (c.push('f.team_id = :teamId'), (params.teamId = f.teamId));
  if (f.agentId) (c.push('f.agent_id = :agentId'), (params.agentId = f.agentId));
  // Tags are not on facts: the ticket's current tags decide.
  if (f.tag) (c.push('EXISTS (SELECT 1 FROM ticket_tags tt WHERE tt.ticket_id = f.ticket_id AND tt.tag = :tag)'), (params.tag = f.tag));
  return { sql: c.length ? c.join(' AND ') : '1 = 1', params };
}

export async function run<T = Record<string, unknown>>(m: EntityManager, sql: string, params: Record<string, unknown>): Promise<T[]> {
  const [q, p] = m.connection.driver.escapeQueryWithParameters(sql, params);
  return m.query(q, p);
}

export const ZERO_COUNTS: Counts = { created: 0, replies: 0, solved: 0, reopened: 0, backlogDelta: 0 };
const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
const counts = (r: Record<string, unknown>): Counts => ({ created: num(r.created), replies: num(r.replies), solved: num(r.solved), reopened: num(r.reopened), backlogDelta: num(r.backlog_delta) });

export const reportQueryRepository = {
  // Counts per bucket, for daily series and totals: from the rollups one bucket per local day
  // (bucket = the day's start / BUCKET_MS), from the facts one per 15 minutes (floor(at / BUCKET_MS)).
  async countsByBucket(m: EntityManager, w: DayWindow, f: FactFilters): Promise<(Counts & { bucket: number })[]> {
    if (rollupsServe(f)) {
      const bounds = [...w.days.map((d) => d.start), w.to];
      const { segments } = await rollupCounts(m, bounds, f, null);
      return segments.map((seg, i) => ({ bucket: w.days[i].start / BUCKET_MS, ...(seg.get('all') ?? ZERO_COUNTS) }));
    }
    const where = filterSql(w, f);
    const rows = await run(m, `SELECT f.at / ${BUCKET_MS} AS bucket, ${COUNTS} FROM report_facts f WHERE ${COUNTED} AND ${where.sql} GROUP BY f.at / ${BUCKET_MS}`, where.params);
    return rows.map((r) => ({ bucket: num(r.bucket), ...counts(r) }));
  },

  // Tickets not solved or closed at `before`: every create and status move since the start.
  async backlogAt(m: EntityManager, before: number, f: FactFilters): Promise<number> {
    if (rollupsServe(f)) return ((await rollupCounts(m, [before], f, null)).before.get('all') ?? ZERO_COUNTS).backlogDelta;
    const where = filterSql({ to: before }, f);
    const [r] = await run(m, `SELECT ${COUNTS} FROM report_facts f WHERE ${BACKLOG_KINDS} AND ${where.sql}`, where.params);
    return counts(r ?? {}).backlogDelta;
  },

  // Counts per bucket of a run of local days (as countsByBucket) and the backlog when the first
  // one starts (as backlogAt): from the rollups in one read, so a view asks once for both periods.
  async daysWithBacklog(m: EntityManager, w: DayWindow, f: FactFilters): Promise<{ backlog: number; buckets: (Counts & { bucket: number })[] }> {
    if (rollupsServe(f)) {
      const { before, segments } = await rollupCounts(m, [...w.days.map((d) => d.start), w.to], f, null);
      return { backlog: (before.get('all') ?? ZERO_COUNTS).backlogDelta, buckets: segments.map((seg, i) => ({ bucket: w.days[i].start / BUCKET_MS, ...(seg.get('all') ?? ZERO_COUNTS) })) };
    }
    const [backlog, buckets] = await Promise.all([this.backlogAt(m, w.from, f), this.countsByBucket(m, w, f)]);
    return { backlog, buckets };
  },

  // countsBy for each span between consecutive boundaries, and for all history before the
  // first (`before`, as countsBy with only an end): from the rollups in one read.
  async countsBySpans(m: EntityManager, group: Group, bounds: number[], f: FactFilters): Promise<{ before: (Counts & { key: string })[]; spans: (Counts & { key: string })[][] }> {
    if (rollupsServe(f)) {
      const r = await rollupCounts(m, bounds, f, group);
      // A group shows when something moved its counts (as when read from the facts).
      const list = (t: Map<string, Counts>) => [...t].filter(([, c]) => c.created || c.replies || c.solved || c.reopened || c.backlogDelta).map(([key, c]) => ({ key, ...c }));
      return { before: list(r.before), spans: r.segments.map(list) };
    }
    const [before, ...spans] = await Promise.all([this.countsBy(m, group, { to: bounds[0] }, f), ...bounds.slice(1).map((to, i) => this.countsBy(m, group, { from: bounds[i], to }, f))]);
    return { before, spans };
  },

  async countsBy(m: EntityManager, group: Group, w: Partial<Window>, f: FactFilters): Promise<(Counts & { key: string })[]> {
    if (rollupsServe(f) && w.to !== undefined) {
      const r = await rollupCounts(m, w.from === undefined ? [w.to] : [w.from, w.to], f, group);
      const got = w.from === undefined ? r.before : r.segments[0];
      // A group shows when something moved its counts (as when read from the facts).
      return [...got].filter(([, c]) => c.created || c.replies || c.solved || c.reopened || c.backlogDelta).map(([key, c]) => ({ key, ...c }));
    }
    const where = filterSql(w, f);
    // Without a start, only the backlog is wanted: the kinds that move it are enough.
    const kinds = w.from === undefined ? BACKLOG_KINDS : COUNTED;
    const rows = await run(m, `SELECT f.${group} AS g, ${COUNTS} FROM report_facts f WHERE ${kinds} AND ${where.sql} AND f.${group} IS NOT NULL GROUP BY f.${group}`, where.params);
    return rows.map((r) => ({ key: String(r.g), ...counts(r) }));
  },

  // Median (mean of the two middle values when n is even) and p90 (nearest rank, ⌈0.9·n⌉) of
  // the durations the facts measured, per group or overall (key 'all').
  // `business`: the business-time twin of each duration (facts of tickets with a calendar).
  // `medianOnly`: the caller shows no p90 (the rollups then skip its look-up).
  async spread(m: EntityManager, measure: Measure, w: Window, f: FactFilters, group?: Group, communityOnly = false, business = false, medianOnly = false): Promise<Map<string, Spread>> {
    const col = business ? 'f.business_ms' : 'f.wall_ms';
    if (rollupsServe(f) && !communityOnly && measure !== 'community_first_answer') return rollupSpread(m, `${business ? 'b' : ''}${measure === 'first_response' ? 'frt' : 'res'}`, w, f, group ?? null, medianOnly);
    const base = filterSql(w, f);
    const where = communityOnly ? { sql: `${COMMUNITY} AND ${base.sql}`, params: base.params } : base;
    const g = group ? `f.${group}` : '0';
    const partition = group ? `PARTITION BY f.${group} ` : '';
    // First community answers are copied into report_outcomes, which holds nothing else of theirs' size.
    const fromOutcomes = communityOnly && measure === 'community_first_answer' && !business && outcomesServe();
    const source = fromOutcomes ? `report_outcomes f WHERE f.kind = 'first_answer'` : `report_facts f WHERE ${MEASURES[measure]}`;
    const v = fromOutcomes ? 'f.wait_ms' : col;
    const rows = await run(m, `SELECT x.g AS g, x.w AS w, x.rn AS rn, x.n AS n FROM (
        SELECT ${g} AS g, ${v} AS w, ROW_NUMBER() OVER (${partition}ORDER BY ${v}) AS rn, COUNT(*) OVER (${partition.trim()}) AS n
        FROM ${source} AND ${v} IS NOT NULL AND ${where.sql}${group ? ` AND f.${group} IS NOT NULL` : ''}
      ) x WHERE x.rn = (x.n + 1) / 2 OR x.rn = (x.n + 2) / 2 OR x.rn = (9 * x.n + 9) / 10`, where.params);
    const picked = new Map<string, { n: number; at: Map<number, number> }>();
    for (const r of rows) {
      const key = group ? String(r.g) : 'all';
      const e = picked.get(key) ?? { n: num(r.n), at: new Map<number, number>() };
      e.at.set(num(r.rn), num(r.w));
      picked.set(key, e);
    }
    const out = new Map<string, Spread>();
    for (const [key, { n, at }] of picked) {
      const lo = at.get(Math.floor((n + 1) / 2))!;
      const hi = at.get(Math.floor((n + 2) / 2))!;
      out.set(key, { n, median: (lo + hi) / 2, p90: at.get(Math.floor((9 * n + 9) / 10))! });
    }
    return out;
  },

  // Medians of several measures per agent and per team, keyed `${measure}:${group}` (p90 not
  // looked up): from the rollups one pass over the whole days serves them all.
  async medians(m: EntityManager, measures: ('first_response' | 'resolution')[], w: Window, f: FactFilters, groups: ('agent_id' | 'team_id')[]): Promise<Map<string, Map<string, Spread>>> {
    const out = new Map<string, Map<string, Spread>>();
    if (rollupsServe(f)) {
      const short = (ms: string) => (ms === 'first_response' ? 'frt' : 'res');
      const got = await rollupSpreads(m, measures.map(short), w, f, groups, true);
      for (const ms of measures) for (const g of groups) out.set(`${ms}:${g}`, got.get(`${short(ms)}:${g}`)!);
      return out;
    }
    for (const ms of measures) for (const g of groups) out.set(`${ms}:${g}`, await this.spread(m, ms, w, f, g));
    return out;
  },

  // spread for several (measure, window, business) asks at once: from the rollups in two or three
  // statements for all of them (report-rollup-query), else one spread each.
  async spreads(m: EntityManager, asks: { measure: 'first_response' | 'resolution'; w: Window; business?: boolean }[], f: FactFilters, group?: Group): Promise<Map<string, Spread>[]> {
    if (rollupsServe(f)) return rollupSpreadAsks(m, asks.map((a) => ({ measure: `${a.business ? 'b' : ''}${a.measure === 'first_response' ? 'frt' : 'res'}` as const, w: a.w })), f, group ?? null);
    return Promise.all(asks.map((a) => this.spread(m, a.measure, a.w, f, group, false, a.business)));
  },

  // Per agent or team: distinct tickets they replied on, noted or moved, replies and notes.
  async workBy(m: EntityManager, group: 'agent_id' | 'team_id', w: Window, f: FactFilters): Promise<{ key: string; handled: number; replies: number; notes: number; solved: number }[]> {
    // COUNT(DISTINCT) over the period's touches costs seconds at a million tickets: the rollups
    // and the touches' links give the same numbers (report-handled-query.ts).
    if (rollupsServe(f)) return workFromRollups(m, group, w, f);
    const where = filterSql(w, f);
    const rows = await run(m, `SELECT f.${group} AS g,
        COUNT(DISTINCT CASE WHEN f.kind IN ('agent_reply', 'note', 'status_changed') THEN f.ticket_id END) AS handled,
        SUM(CASE WHEN f.kind = 'agent_reply' THEN 1 ELSE 0 END) AS replies,
        SUM(CASE WHEN f.kind = 'note' THEN 1 ELSE 0 END) AS notes,
        SUM(CASE WHEN f.kind = 'status_changed' AND f.status_to = 'solved' THEN 1 ELSE 0 END) AS solved
      FROM report_facts f WHERE f.kind IN ('agent_reply', 'note', 'status_changed') AND ${where.sql} AND f.${group} IS NOT NULL GROUP BY f.${group}`, where.params);
    return rows.map((r) => ({ key: String(r.g), handled: num(r.handled), replies: num(r.replies), notes: num(r.notes), solved: num(r.solved) })).filter((r) => r.handled + r.replies + r.notes > 0);
  },

  // Per mentioned agent: mentions received in the window, how many they answered (a reply or note
  // of theirs on the ticket after the mention, at any time since), and the median time to answer.
  async mentionsBy(m: EntityManager, w: Window, f: FactFilters): Promise<Map<string, { received: number; answered: number; median: number | null }>> {
    const where = filterSql(w, f);
    const answer = `report_facts a ON a.ticket_id = f.ticket_id AND a.kind = 'mention_answered' AND a.agent_id = f.agent_id AND a.message_id = f.message_id`;
    const counts = await run(m, `SELECT f.agent_id AS g, COUNT(*) AS received, COUNT(a.id) AS answered FROM report_facts f LEFT JOIN ${answer}
      WHERE f.kind = 'mention' AND f.agent_id IS NOT NULL AND ${where.sql} GROUP BY f.agent_id`, where.params);
    const picks = await run(m, `SELECT x.g AS g, x.w AS w, x.rn AS rn, x.n AS n FROM (
        SELECT f.agent_id AS g, a.wall_ms AS w, ROW_NUMBER() OVER (PARTITION BY f.agent_id ORDER BY a.wall_ms) AS rn, COUNT(*) OVER (PARTITION BY f.agent_id) AS n
        FROM report_facts f JOIN ${answer} WHERE f.kind = 'mention' AND f.agent_id IS NOT NULL AND a.wall_ms IS NOT NULL AND ${where.sql}
      ) x WHERE x.rn = (x.n + 1) / 2 OR x.rn = (x.n + 2) / 2`, where.params);
    const mid = new Map<string, { n: number; at: Map<number, number> }>();
    for (const r of picks) {
      const e = mid.get(String(r.g)) ?? { n: num(r.n), at: new Map<number, number>() };
      e.at.set(num(r.rn), num(r.w));
      mid.set(String(r.g), e);
    }
    const out = new Map<string, { received: number; answered: number; median: number | null }>();
    for (const r of counts) {
      const e = mid.get(String(r.g));
      const median = e ? (e.at.get(Math.floor((e.n + 1) / 2))! + e.at.get(Math.floor((e.n + 2) / 2))!) / 2 : null;
      out.set(String(r.g), { received: num(r.received), answered: num(r.answered), median });
    }
    return out;
  },

  // Community questions (tickets from the ask form) of the period and how the community did.
  async community(m: EntityManager, w: Window, f: FactFilters): Promise<{ asked: number; answered: number; accepted: number; solved: number; deflected: number }> {
    const where = filterSql(w, f);
    if (outcomesServe()) {
      // Questions and solves from their outcome rows; accepted answers are few facts of one kind.
      const [k, [r]] = await Promise.all([
        outcomes.community(m, w, f),
        run(m, `SELECT COUNT(*) AS accepted FROM report_facts f WHERE f.kind = 'answer_accepted' AND f.contact_id IS NOT NULL AND ${COMMUNITY} AND ${where.sql}`, where.params),
      ]);
      return { ...k, accepted: num(r?.accepted) };
    }
    const [r] = await run(m, `SELECT
        SUM(CASE WHEN f.kind = 'ticket_created' THEN 1 ELSE 0 END) AS asked,
        SUM(CASE WHEN f.kind = 'ticket_created' AND EXISTS (SELECT 1 FROM report_facts a WHERE a.ticket_id = f.ticket_id AND a.kind = 'community_answer' AND a.at < :to) THEN 1 ELSE 0 END) AS answered,
        SUM(CASE WHEN f.kind = 'answer_accepted' AND f.contact_id IS NOT NULL THEN 1 ELSE 0 END) AS accepted,
        SUM(CASE WHEN f.kind = 'status_changed' AND f.status_to = 'solved' THEN 1 ELSE 0 END) AS solved,
        SUM(CASE WHEN f.kind = 'status_changed' AND f.status_to = 'solved' AND NOT EXISTS (SELECT 1 FROM report_facts a WHERE a.ticket_id = f.ticket_id AND a.kind = 'agent_reply' AND a.at <= f.at) THEN 1 ELSE 0 END) AS deflected
      FROM report_facts f WHERE f.kind IN ('ticket_created', 'answer_accepted', 'status_changed') AND ${COMMUNITY} AND ${where.sql}`, where.params);
    return { asked: num(r?.asked), answered: num(r?.answered), accepted: num(r?.accepted), solved: num(r?.solved), deflected: num(r?.deflected) };
  },

  // answer_accepted facts carry the accepted answer's author as contact_id.
  async topContributors(m: EntityManager, w: Window, f: FactFilters, limit = 10): Promise<{ contactId: number; name: string; accepted: number }[]> {
    const where = filterSql(w, f);
    const rows = await run(m, `SELECT f.contact_id AS id, c.name AS name, COUNT(*) AS accepted FROM report_facts f JOIN contacts c ON c.id = f.contact_id
      WHERE f.kind = 'answer_accepted' AND ${where.sql} GROUP BY f.contact_id, c.name ORDER BY COUNT(*) DESC, f.contact_id ASC LIMIT ${Math.floor(limit)}`, where.params);
    return rows.map((r) => ({ contactId: num(r.id), name: String(r.name), accepted: num(r.accepted) }));
  },

  // Public posts that waited for an answer: answered ones from public_answer_wait facts; posts
  // still unanswered at `end` wait until then. Reach-hours = followers × hours waited.
  async exposureTotals(m: EntityManager, w: Window, end: number, f: FactFilters): Promise<{ answered: number; answeredReachHours: number; waiting: number; waitingReachHours: number }> {
    if (outcomesServe()) {
      const [a, b] = await Promise.all([outcomes.answered(m, w, f), outcomes.waiting(m, w, end, f)]);
      return { answered: a.n, answeredReachHours: a.reachHours, waiting: b.n, waitingReachHours: b.reachHours };
    }
    const where = filterSql(w, f);
    const [a] = await run(m, `SELECT COUNT(*) AS n, SUM(COALESCE(f.reach, 0) * (f.wall_ms / 3600000.0)) AS rh FROM report_facts f
      WHERE f.kind = 'public_answer_wait' AND f.wall_ms IS NOT NULL AND ${where.sql}`, where.params);
    const [b] = await run(m, `SELECT COUNT(*) AS n, SUM(COALESCE(f.reach, 0) * ((:end - f.at) / 3600000.0)) AS rh FROM report_facts f
      WHERE ${STILL_WAITING} AND ${where.sql}`, { ...where.params, end });
    return { answered: num(a?.n), answeredReachHours: num(a?.rh), waiting: num(b?.n), waitingReachHours: num(b?.rh) };
  },

  async worstWaits(m: EntityManager, w: Window, end: number, f: FactFilters, limit = 20): Promise<WaitRow[]> {
    const sorted = (answered: Record<string, unknown>[], waiting: Record<string, unknown>[]) =>
      [...answered.map((r) => waitRow(r, true)), ...waiting.map((r) => waitRow(r, false))].sort((x, y) => y.reachHours - x.reachHours || x.ticketId - y.ticketId).slice(0, limit);
    if (outcomesServe()) {
      const o = await outcomes.worst(m, w, end, f, limit);
      return sorted(o.answered, o.waiting);
    }
    const where = filterSql(w, f);
    const cols = `f.ticket_id AS ticket_id, t.subject AS subject, f.channel AS channel, COALESCE(f.reach, 0) AS reach, f.at AS at`;
    const answered = await run(m, `SELECT ${cols}, f.wall_ms AS wait_ms FROM report_facts f JOIN tickets t ON t.id = f.ticket_id
      WHERE f.kind = 'public_answer_wait' AND f.wall_ms IS NOT NULL AND ${where.sql} ORDER BY COALESCE(f.reach, 0) * (f.wall_ms / 3600000.0) DESC, f.id ASC LIMIT ${Math.floor(limit)}`, where.params);
    const waiting = await run(m, `SELECT ${cols}, (:end - f.at) AS wait_ms FROM report_facts f JOIN tickets t ON t.id = f.ticket_id
      WHERE ${STILL_WAITING} AND ${where.sql} ORDER BY COALESCE(f.reach, 0) * ((:end - f.at) / 3600000.0) DESC, f.id ASC LIMIT ${Math.floor(limit)}`, { ...where.params, end });
    return sorted(answered, waiting);
  },
};

export interface WaitRow { ticketId: number; subject: string; channel: string; reach: number; waitMs: number; reachHours: number; answered: boolean; at: number }
const waitRow = (r: Record<string, unknown>, answered: boolean): WaitRow => {
  const waitMs = num(r.wait_ms);
  const reach = num(r.reach);
  return { ticketId: num(r.ticket_id), subject: String(r.subject ?? ''), channel: String(r.channel), reach, waitMs, reachHours: reach * (waitMs / 3_600_000), answered, at: num(r.at) };
};

