import type { EntityManager } from 'typeorm';
import { BIN_EDGES, BINS, binColumns, binSql, DAY_MS, DAY_SQL, measureColumn, type SpreadMeasure } from './report-rollup.repository';
import { type Counts, type FactFilters, filterSql, type Group, run, type Spread, type Window } from './report-query.repository';
import { TOUCH_SQL } from './report-touch-chain';

// Report reads from report_rollups. The rollups hold whole UTC days; a local day in another zone
// starts inside a UTC day, so its edge is read from the facts (the shorter side of that UTC day,
// at most 12 hours). Tags are not on facts or rollups (the ticket's current tags decide), so a
// tag filter reads the facts alone.

let rollupReads = true;
// Tests read the same views both ways and compare.
export function setRollupReads(on: boolean): void {
  rollupReads = on;
}
export const rollupsServe = (f: FactFilters) => rollupReads && !f.tag;
// The outcome rows (report_outcomes) carry the ticket, so a tag filter reads them too.
export const outcomesServe = () => rollupReads;

// handledAgent / handledTeam: touches that were the agent's / team's first on the ticket.
export type Tally = Counts & { notes: number; handledAgent: number; handledTeam: number };
const ZERO: Tally = { created: 0, replies: 0, solved: 0, reopened: 0, backlogDelta: 0, notes: 0, handledAgent: 0, handledTeam: 0 };
const FIELDS = ['created', 'replies', 'solved', 'reopened', 'backlogDelta', 'notes', 'handledAgent', 'handledTeam'] as const;
type Tallies = Map<string, Tally>;

function addInto(into: Tallies, from: Tallies, sign = 1): Tallies {
  for (const [k, t] of from) {
    const cur = into.get(k) ?? { ...ZERO };
    for (const c of FIELDS) cur[c] += sign * t[c];
    into.set(k, cur);
  }
  return into;
}
const copy = (t: Tallies): Tallies => addInto(new Map(), t);
const diff = (a: Tallies, b: Tallies): Tallies => addInto(copy(a), b, -1);

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
const tally = (r: Record<string, unknown>): Tally => ({ created: num(r.created), replies: num(r.replies), solved: num(r.solved), reopened: num(r.reopened), backlogDelta: num(r.backlog_delta), notes: num(r.notes), handledAgent: num(r.handled_agent), handledTeam: num(r.handled_team) });

function rollupWhere(f: FactFilters, group: Group | null): { sql: string[]; params: Record<string, unknown> } {
  const sql: string[] = [];
  const params: Record<string, unknown> = {};
  if (f.channel) (sql.push('r.channel = :channel'), (params.channel = f.channel));
  if (f.inboxId) (sql.push('r.inbox_id = :inboxId'), (params.inboxId = f.inboxId));
  if (f.teamId) (sql.push('r.team_id = :teamId'), (params.teamId = f.teamId));
  if (f.agentId) (sql.push('r.agent_id = :agentId'), (params.agentId = f.agentId));
  if (group && group !== 'channel') sql.push(`r.${group} <> 0`);
  return { sql, params };
}

const ROLLUP_SUMS = `SUM(r.created) AS created, SUM(r.replies) AS replies, SUM(r.solved) AS solved, SUM(r.reopened) AS reopened, SUM(r.backlog_delta) AS backlog_delta, SUM(r.notes) AS notes,
  SUM(r.handled_agent) AS handled_agent, SUM(r.handled_team) AS handled_team`;
const FACT_SUMS = `
  SUM(CASE WHEN f.kind = 'ticket_created' THEN 1 ELSE 0 END) AS created,
  SUM(CASE WHEN f.kind = 'agent_reply' THEN 1 ELSE 0 END) AS replies,
  SUM(CASE WHEN f.kind = 'status_changed' AND f.status_to = 'solved' THEN 1 ELSE 0 END) AS solved,
  SUM(CASE WHEN f.kind = 'status_changed' AND f.status_from IN ('solved', 'closed') AND f.status_to NOT IN ('solved', 'closed') THEN 1 ELSE 0 END) AS reopened,
  SUM(CASE WHEN f.kind = 'ticket_created' THEN 1
           WHEN f.kind = 'status_changed' AND f.status_from NOT IN ('solved', 'closed') AND f.status_to IN ('solved', 'closed') THEN -1
           WHEN f.kind = 'status_changed' AND f.status_from IN ('solved', 'closed') AND f.status_to NOT IN ('solved', 'closed') THEN 1
           ELSE 0 END) AS backlog_delta,
  SUM(CASE WHEN f.kind = 'note' THEN 1 ELSE 0 END) AS notes,
  SUM(CASE WHEN ${TOUCH_SQL('f')} AND f.agent_id IS NOT NULL AND f.agent_prev_at IS NULL THEN 1 ELSE 0 END) AS handled_agent,
  SUM(CASE WHEN ${TOUCH_SQL('f')} AND f.team_id IS NOT NULL AND f.team_prev_at IS NULL THEN 1 ELSE 0 END) AS handled_team`;

const keyOf = (r: Record<string, unknown>, group: Group | null) => (group ? String(r.g) : 'all');
function toTallies(rows: Record<string, unknown>[], group: Group | null): Tallies {
  const out: Tallies = new Map();
  for (const r of rows) addInto(out, new Map([[keyOf(r, group), tally(r)]]));
  return out;
}

// Counts between consecutive boundaries (non-decreasing instants on 15-minute marks), and all
// history before the first one (the backlog), per group or overall (key 'all'). Without
// `withBefore` the days before the first boundary's are not read (only the segments are right).
export async function rollupCounts(m: EntityManager, bounds: number[], f: FactFilters, group: Group | null, withBefore = true): Promise<{ before: Tallies; segments: Tallies[] }> {
  const first = Math.floor(bounds[0] / DAY_MS);
  const last = Math.ceil(bounds[bounds.length - 1] / DAY_MS);
  const w = rollupWhere(f, group);
  const g = group ? `r.${group} AS g, ` : '';
  const by = group ? ` GROUP BY r.${group}` : '';
  const cond = (extra: string) => [extra, ...w.sql].join(' AND ');
  const [head, days] = await Promise.all([
    withBefore ? run(m, `SELECT ${g}${ROLLUP_SUMS} FROM report_rollups r WHERE ${cond('r.day < :first')}${by}`, { ...w.params, first }) : Promise.resolve([]),
    run(m, `SELECT r.day AS day, ${g}${ROLLUP_SUMS} FROM report_rollups r WHERE ${cond('r.day >= :first AND r.day < :last')} GROUP BY r.day${group ? `, r.${group}` : ''}`, { ...w.params, first, last }),
  ]);

  // Each boundary inside a UTC day: the facts on its shorter side of that day.
  const edges = bounds.map((t) => {
    const down = t - Math.floor(t / DAY_MS) * DAY_MS;
    if (down === 0) return { day: t / DAY_MS, sign: 0, from: 0, to: 0 };
    const up = Math.ceil(t / DAY_MS) * DAY_MS - t;
    return down <= up ? { day: Math.floor(t / DAY_MS), sign: 1, from: t - down, to: t } : { day: Math.ceil(t / DAY_MS), sign: -1, from: t, to: t + up };
  });
  const edgeTallies = await factWindows(m, edges.filter((e) => e.sign !== 0), f, group);

  // Running totals at the start of each needed day.
  const perDay = new Map<number, Record<string, unknown>[]>();
  for (const r of days) {
    const d = num(r.day);
    perDay.set(d, [...(perDay.get(d) ?? []), r]);
  }
  const needed = new Set(edges.map((e) => e.day));
  const atDay = new Map<number, Tallies>();
  const running = toTallies(head, group);
  for (let d = first; d <= last; d++) {
    if (needed.has(d)) atDay.set(d, copy(running));
    addInto(running, toTallies(perDay.get(d) ?? [], group));
  }
  const pre = edges.map((e) => {
    const base = copy(atDay.get(e.day)!);
    return e.sign === 0 ? base : addInto(base, edgeTallies.get(`${e.from}:${e.to}`) ?? new Map(), e.sign);
  });
  return { before: pre[0], segments: pre.slice(1).map((p, i) => diff(p, pre[i])) };
}

// Counts of the facts in each window, in one statement.
async function factWindows(m: EntityManager, windows: { from: number; to: number }[], f: FactFilters, group: Group | null): Promise<Map<string, Tallies>> {
  const out = new Map<string, Tallies>();
  const unique = [...new Map(windows.map((w) => [`${w.from}:${w.to}`, w])).values()];
  if (!unique.length) return out;
  const base = filterSql({}, f);
  const params: Record<string, unknown> = { ...base.params };
  const parts = unique.map((w, i) => {
    params[`a${i}`] = w.from;
    params[`b${i}`] = w.to;
    return `SELECT ${i} AS w, ${group ? `f.${group} AS g, ` : ''}${FACT_SUMS} FROM report_facts f
      WHERE f.kind IN ('ticket_created', 'agent_reply', 'status_changed', 'note') AND f.at >= :a${i} AND f.at < :b${i} AND ${base.sql}${group ? ` AND f.${group} IS NOT NULL GROUP BY f.${group}` : ''}`;
  });
  const rows = await run(m, parts.join(' UNION ALL '), params);
  for (const r of rows) {
    const w = unique[num(r.w)];
    const k = `${w.from}:${w.to}`;
    out.set(k, addInto(out.get(k) ?? new Map(), new Map([[keyOf(r, group), tally(r)]])));
  }
  return out;
}

const MEASURE_SQL: Record<SpreadMeasure, string> = {
  frt: `f.kind = 'first_response'`,
  res: `f.kind = 'status_changed' AND f.status_to = 'solved'`,
  bfrt: `f.kind = 'first_response'`,
  bres: `f.kind = 'status_changed' AND f.status_to = 'solved'`,
};

// Median (mean of the two middle values when n is even) and p90 (nearest rank, ⌈0.9·n⌉), exact:
// the histogram (rollups for whole days, facts for the edges) says which band holds each rank;
// only that band's facts are then read, in order, to find the value.
// `medianOnly`: p90 is not looked up (null), one band read fewer.
// `hist`: the histogram, when the caller read it with others (rollupSpreads).
export async function rollupSpread(m: EntityManager, measure: SpreadMeasure, w: Window, f: FactFilters, group: Group | null, medianOnly = false, hist?: Map<string, number[]>): Promise<Map<string, Spread>> {
  hist ??= await histogram(m, measure, w, f, group);
  const col = `f.${measureColumn(measure)}`;
  const wanted = new Map<string, { n: number; ranks: number[]; cum: number[] }>();
  for (const [key, h] of hist) {
    const n = h.reduce((a, b) => a + b, 0);
    if (!n) continue;
    const cum: number[] = [];
    h.reduce((a, b, i) => (cum[i] = a + b), 0);
    wanted.set(key, { n, cum, ranks: [Math.floor((n + 1) / 2), Math.floor((n + 2) / 2), Math.floor((9 * n + 9) / 10)] });
  }
  const values = new Map<string, Map<number, number>>();
  const base = filterSql(w, f);
  const gcol = group ? `f.${group}` : '0';
  // The middle ranks and the p90 rank are looked up apart: each look-up reads one narrow band.
  // Groups whose ranks fall in the same bands are read together; the band's values (one or a
  // few bins' worth) are sorted here, which costs less than ROW_NUMBER() over them in SQL.
  for (const which of medianOnly ? [[0, 1]] : [[0, 1], [2]]) {
    const bands = new Map<string, { lo: number; hi: number; asks: { key: string; ranks: number[]; below: number }[] }>();
    for (const [key, x] of wanted) {
      const ranks = which.map((i) => x.ranks[i]);
      const bins = ranks.map((r) => x.cum.findIndex((c) => c >= r));
      const lo = Math.min(...bins);
      const hi = Math.max(...bins);
      const b = bands.get(`${lo}:${hi}`) ?? { lo, hi, asks: [] };
      b.asks.push({ key, ranks, below: lo === 0 ? 0 : x.cum[lo - 1] });
      bands.set(`${lo}:${hi}`, b);
    }
    for (const { lo, hi, asks } of bands.values()) {
      const params: Record<string, unknown> = { ...base.params, days: daysOf(w), keys: asks.map((a) => (group === 'channel' ? a.key : Number(a.key))) };
      const band = [lo > 0 ? `${col} >= ${BIN_EDGES[lo]}` : '', hi < BINS - 1 ? `${col} < ${BIN_EDGES[hi + 1]}` : ''].filter(Boolean);
      const rows = await run(m, `SELECT ${gcol} AS g, ${col} AS w FROM report_facts f
        WHERE ${MEASURE_SQL[measure]} AND ${DAY_SQL('f')} IN (:...days) AND ${col} IS NOT NULL${band.map((b) => ` AND ${b}`).join('')}
          AND ${base.sql}${group ? ` AND f.${group} IN (:...keys)` : ''}`, params);
      const inBand = new Map<string, number[]>();
      for (const r of rows) {
        const key = group ? String(r.g) : 'all';
        const list = inBand.get(key);
        if (list) list.push(num(r.w));
        else inBand.set(key, [num(r.w)]);
      }
      for (const a of asks) {
        const sorted = (inBand.get(a.key) ?? []).sort((x, y) => x - y);
        const v = values.get(a.key) ?? new Map<number, number>();
        for (const r of a.ranks) v.set(r, sorted[r - a.below - 1]);
        values.set(a.key, v);
      }
    }
  }
  const out = new Map<string, Spread>();
  for (const [key, x] of wanted) {
    const v = values.get(key)!;
    out.set(key, { n: x.n, median: (v.get(x.ranks[0])! + v.get(x.ranks[1])!) / 2, p90: medianOnly ? null : v.get(x.ranks[2])! });
  }
  return out;
}

function daysOf(w: Window): number[] {
  const out: number[] = [];
  for (let d = Math.floor(w.from / DAY_MS); d * DAY_MS < w.to; d++) out.push(d);
  return out;
}

// Durations per band and group: whole UTC days from the rollups, the period's edges from facts.
async function histogram(m: EntityManager, measure: SpreadMeasure, w: Window, f: FactFilters, group: Group | null): Promise<Map<string, number[]>> {
  const fullFrom = Math.ceil(w.from / DAY_MS);
  const fullTo = Math.floor(w.to / DAY_MS);
  const out = new Map<string, number[]>();
  const add = (key: string, bin: number, n: number) => {
    const h = out.get(key) ?? new Array<number>(BINS).fill(0);
    h[bin] += n;
    out.set(key, h);
  };
  const edges: { from: number; to: number }[] = [];
  if (fullFrom >= fullTo) edges.push({ from: w.from, to: w.to });
  else {
    const rw = rollupWhere(f, group);
    const cols = binColumns(measure);
    const rows = await run(m, `SELECT ${group ? `r.${group} AS g, ` : ''}${cols.map((c, i) => `SUM(r.${c}) AS b${i}`).join(', ')} FROM report_rollups r
      WHERE ${['r.day >= :fullFrom AND r.day < :fullTo', ...rw.sql].join(' AND ')}${group ? ` GROUP BY r.${group}` : ''}`, { ...rw.params, fullFrom, fullTo });
    for (const r of rows) for (let i = 0; i < BINS; i++) if (num(r[`b${i}`])) add(keyOf(r, group), i, num(r[`b${i}`]));
    if (w.from < fullFrom * DAY_MS) edges.push({ from: w.from, to: fullFrom * DAY_MS });
    if (fullTo * DAY_MS < w.to) edges.push({ from: fullTo * DAY_MS, to: w.to });
  }
  for (const e of edges) await edgeHistogram(m, measure, e, f, group, add);
  return out;
}

// Durations per band and group of the facts in one edge window.
async function edgeHistogram(m: EntityManager, measure: SpreadMeasure, e: Window, f: FactFilters, group: Group | null, add: (key: string, bin: number, n: number) => void): Promise<void> {
  const base = filterSql(e, f);
  const col = `f.${measureColumn(measure)}`;
  const rows = await run(m, `SELECT ${group ? `f.${group} AS g, ` : ''}${binSql(col)} AS b, COUNT(*) AS n FROM report_facts f
    WHERE ${MEASURE_SQL[measure]} AND ${DAY_SQL('f')} IN (:...days) AND ${col} IS NOT NULL AND ${base.sql}${group ? ` AND f.${group} IS NOT NULL` : ''}
    GROUP BY ${group ? `f.${group}, ` : ''}${binSql(col)}`, { ...base.params, days: daysOf(e) });
  for (const r of rows) add(keyOf(r, group), num(r.b), num(r.n));
}

// Several measures' spreads per several groupings (the agents view: first response and
// resolution per agent and per team): the whole days' histograms are read in one pass over
// the rollups, grouped by every grouping at once. Keys `${measure}:${group}`.
export async function rollupSpreads(m: EntityManager, measures: SpreadMeasure[], w: Window, f: FactFilters, groups: Exclude<Group, 'channel'>[], medianOnly = false): Promise<Map<string, Map<string, Spread>>> {
  const fullFrom = Math.ceil(w.from / DAY_MS);
  const fullTo = Math.floor(w.to / DAY_MS);
  const hists = new Map<string, Map<string, number[]>>(measures.flatMap((ms) => groups.map((g) => [`${ms}:${g}`, new Map<string, number[]>()] as const)));
  const adder = (ms: SpreadMeasure, g: Group) => (key: string, bin: number, n: number) => {
    const into = hists.get(`${ms}:${g}`)!;
    const h = into.get(key) ?? new Array<number>(BINS).fill(0);
    h[bin] += n;
    into.set(key, h);
  };
  const edges: Window[] = [];
  if (fullFrom >= fullTo) edges.push({ from: w.from, to: w.to });
  else {
    const rw = rollupWhere(f, null);
    const sums = measures.flatMap((ms) => binColumns(ms).map((c, i) => `SUM(r.${c}) AS ${ms}_${i}`));
    const rows = await run(m, `SELECT ${groups.map((g, j) => `r.${g} AS g${j}`).join(', ')}, ${sums.join(', ')} FROM report_rollups r
      WHERE ${['r.day >= :fullFrom AND r.day < :fullTo', ...rw.sql].join(' AND ')} GROUP BY ${groups.map((g) => `r.${g}`).join(', ')}`, { ...rw.params, fullFrom, fullTo });
    for (const r of rows) {
      for (const [j, g] of groups.entries()) {
        const key = String(r[`g${j}`]);
        // 0 stands for "no team" / "no agent": not a group.
        if (key === '0') continue;
        for (const ms of measures) {
          const add = adder(ms, g);
          for (let i = 0; i < BINS; i++) if (num(r[`${ms}_${i}`])) add(key, i, num(r[`${ms}_${i}`]));
        }
      }
    }
    if (w.from < fullFrom * DAY_MS) edges.push({ from: w.from, to: fullFrom * DAY_MS });
    if (fullTo * DAY_MS < w.to) edges.push({ from: fullTo * DAY_MS, to: w.to });
  }
  for (const e of edges) for (const ms of measures) for (const g of groups) await edgeHistogram(m, ms, e, f, g, adder(ms, g));
  const out = new Map<string, Map<string, Spread>>();
  for (const ms of measures) for (const g of groups) out.set(`${ms}:${g}`, await rollupSpread(m, ms, w, f, g, medianOnly, hists.get(`${ms}:${g}`)));
  return out;
}
