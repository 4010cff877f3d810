import type { EntityManager } from 'typeorm';
import { AGENT_ROLLUP_COLUMNS, BIN_EDGES, BINS, binColumns, binSql, CHANNEL_ROLLUP_COLUMNS, DAY_MS, DAY_SQL, measureColumn, type SpreadMeasure } from './report-rollup.repository';
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

// With no inbox, team or agent filter or group, the per-(day, channel) sums serve (about ten rows a
// day instead of one per channel × inbox × team × agent), when they hold every column asked for.
function rollupWhere(f: FactFilters, group: Group | null, columns: readonly string[]): { table: string; sql: string[]; params: Record<string, unknown> } {
  const sql: string[] = [];
  const params: Record<string, unknown> = {};
  const byChannel = !f.inboxId && !f.teamId && !f.agentId && (group === null || group === 'channel') && columns.every((c) => CHANNEL_ROLLUP_COLUMNS.includes(c));
  if (f.channel) (sql.push('r.channel = :channel'), (params.channel = f.channel));
  if (f.inboxId) (sql.push('r.inbox_id = :inboxId'), (params.inboxId = f.inboxId));
  if (f.teamId) (sql.push('r.team_id = :teamId'), (params.teamId = f.teamId));
  if (f.agentId) (sql.push('r.agent_id = :agentId'), (params.agentId = f.agentId));
  if (group && group !== 'channel') sql.push(`r.${group} <> 0`);
  return { table: byChannel ? 'report_channel_rollups' : 'report_rollups', sql, params };
}

const SUMMED = ['created', 'replies', 'solved', 'reopened', 'backlog_delta', 'notes', 'handled_agent', 'handled_team'];
const ROLLUP_SUMS = SUMMED.map((c) => `SUM(r.${c}) AS ${c}`).join(', ');
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
  const w = rollupWhere(f, group, SUMMED);
  const g = group ? `r.${group} AS g, ` : '';
  const cond = (extra: string) => [extra, ...w.sql].join(' AND ');
  // One scan: all history before the first day summed as day -1, then each needed day.
  const rows = await run(m, `SELECT CASE WHEN r.day < :first THEN -1 ELSE r.day END AS day, ${g}${ROLLUP_SUMS} FROM ${w.table} r
    WHERE ${cond(withBefore ? 'r.day < :last' : 'r.day >= :first AND r.day < :last')} GROUP BY CASE WHEN r.day < :first THEN -1 ELSE r.day END${group ? `, r.${group}` : ''}`, { ...w.params, first, last });
  const head = rows.filter((r) => num(r.day) === -1);
  const days = rows.filter((r) => num(r.day) !== -1);

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
      // One row per group with its values joined in a string: building thousands of row objects
      // cost more than the scan (the values are whole milliseconds, so the text is exact).
      const joined = m.connection.driver.options.type === 'postgres' ? `string_agg(CAST(${col} AS text), ',')` : `group_concat(${col})`;
      const rows = await run(m, `SELECT ${gcol} AS g, ${joined} AS w FROM report_facts f
        WHERE ${MEASURE_SQL[measure]} AND ${DAY_SQL('f')} IN (:...days) AND ${col} IS NOT NULL${band.map((b) => ` AND ${b}`).join('')}
          AND ${base.sql}${group ? ` AND f.${group} IN (:...keys) GROUP BY f.${group}` : ''}`, params);
      const inBand = new Map<string, Float64Array>();
      for (const r of rows) if (r.w !== null && r.w !== undefined) inBand.set(group ? String(r.g) : 'all', Float64Array.from(String(r.w).split(','), Number).sort());
      for (const a of asks) {
        const sorted = inBand.get(a.key) ?? new Float64Array(0);
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
    const cols = binColumns(measure);
    const rw = rollupWhere(f, group, cols);
    const rows = await run(m, `SELECT ${group ? `r.${group} AS g, ` : ''}${cols.map((c, i) => `SUM(r.${c}) AS b${i}`).join(', ')} FROM ${rw.table} r
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
    // Grouped by agent and team: their own sums (report_agent_rollups) when no channel or inbox
    // filter asks for the full rollups (rw.table is for the filters only here).
    const rw = rollupWhere(f, null, []);
    const cols = measures.flatMap((ms) => binColumns(ms));
    const table = !f.channel && !f.inboxId && cols.every((c) => AGENT_ROLLUP_COLUMNS.includes(c)) ? 'report_agent_rollups' : 'report_rollups';
    const sums = measures.flatMap((ms) => binColumns(ms).map((c, i) => `SUM(r.${c}) AS ${ms}_${i}`));
    const rows = await run(m, `SELECT ${groups.map((g, j) => `r.${g} AS g${j}`).join(', ')}, ${sums.join(', ')} FROM ${table} r
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

// Median (mean of the two middle values when n is even) and p90 (nearest rank, ⌈0.9·n⌉), exact,
// for several (measure, window) asks at once: the histogram (rollups for whole days, facts for
// the edges) says which band holds each rank; only that band's facts are then read to find the
// value. Each step is one statement for all the asks (UNION ALL), so a view with both periods
// and four measures makes two or three statements, not thirty.
export interface SpreadAsk { measure: SpreadMeasure; w: Window }

interface Wanted { n: number; ranks: number[]; cum: number[] }
// One look-up: a band of bins of one ask, and the ranks wanted in it per group key.
interface Lookup { ask: number; lo: number; hi: number; keys: { key: string; ranks: number[]; below: number; size: number }[] }
const PER_KEY_LOOKUPS = 16;

export async function rollupSpreadAsks(m: EntityManager, asks: SpreadAsk[], f: FactFilters, group: Group | null): Promise<Map<string, Spread>[]> {
  const hists = await histograms(m, asks, f, group);
  const wanted = hists.map((hist) => {
    const out = new Map<string, Wanted>();
    for (const [key, h] of hist) {
      const n = h.reduce((a, b) => a + b, 0);
      if (!n) continue;
      const cum: number[] = [];
      h.reduce((a, b, i) => (cum[i] = a + b), 0);
      out.set(key, { n, cum, ranks: [Math.floor((n + 1) / 2), Math.floor((n + 2) / 2), Math.floor((9 * n + 9) / 10)] });
    }
    return out;
  });
  // The middle ranks and the p90 rank are looked up apart: each look-up reads one narrow band.
  const lookups: Lookup[] = [];
  const band = (ask: number, keys: { key: string; x: Wanted; ranks: number[] }[]): Lookup => {
    const bins = keys.flatMap((k) => k.ranks.map((r) => k.x.cum.findIndex((c) => c >= r)));
    const lo = Math.min(...bins);
    const hi = Math.max(...bins);
    return { ask, lo, hi, keys: keys.map((k) => {
      const below = lo === 0 ? 0 : k.x.cum[lo - 1];
      return { key: k.key, ranks: k.ranks, below, size: k.x.cum[hi] - below };
    }) };
  };
  wanted.forEach((byKey, ask) => {
    for (const which of [[0, 1], [2]]) {
      const keys = [...byKey].map(([key, x]) => ({ key, x, ranks: which.map((i) => x.ranks[i]) }));
      if (!keys.length) continue;
      // A few groups (channels) each read their own band, sorting only up to their ranks; many
      // (agents) share one band, numbered per group in one sort.
      if (group && keys.length <= PER_KEY_LOOKUPS) for (const k of keys) lookups.push(band(ask, [k]));
      else lookups.push(band(ask, keys));
    }
  });
  const values = await bandValues(m, asks, lookups, f, group);
  return wanted.map((byKey, ask) => {
    const out = new Map<string, Spread>();
    for (const [key, x] of byKey) {
      const v = values.get(`${ask}|${key}`)!;
      out.set(key, { n: x.n, median: (v.get(x.ranks[0])! + v.get(x.ranks[1])!) / 2, p90: v.get(x.ranks[2])! });
    }
    return out;
  });
}

// The values at the wanted ranks, per `${ask}|${key}`, in one statement. Overall (no group) a
// look-up sorts only up to its ranks (LIMIT/OFFSET from the nearer end of the band); per group
// it numbers the band's rows per group.
async function bandValues(m: EntityManager, asks: SpreadAsk[], lookups: Lookup[], f: FactFilters, group: Group | null): Promise<Map<string, Map<number, number>>> {
  const out = new Map<string, Map<number, number>>();
  if (!lookups.length) return out;
  const filters = filterSql({}, f);
  const params: Record<string, unknown> = { ...filters.params };
  const arms = lookups.map((l, j) => {
    const { measure, w } = asks[l.ask];
    const col = `f.${measureColumn(measure)}`;
    params[`fa${j}`] = w.from;
    params[`fb${j}`] = w.to;
    const band = [l.lo > 0 ? `${col} >= ${BIN_EDGES[l.lo]}` : '', l.hi < BINS - 1 ? `${col} < ${BIN_EDGES[l.hi + 1]}` : ''].filter(Boolean);
    // The days inline (whole numbers): dozens of arms × 90 days would pass the stores' parameter limits.
    const where = `${MEASURE_SQL[measure]} AND ${DAY_SQL('f')} IN (${daysOf(w).join(', ')}) AND ${col} IS NOT NULL${band.map((b) => ` AND ${b}`).join('')}
      AND f.at >= :fa${j} AND f.at < :fb${j} AND ${filters.sql}${group ? ` AND f.${group} IS NOT NULL` : ''}`;
    if (l.keys.length === 1) {
      const [{ key, ranks, size, below }] = l.keys;
      const first = Math.min(...ranks) - below;
      const last = Math.max(...ranks) - below;
      const fromTop = size - last < first - 1;
      if (group) params[`k${j}`] = group === 'channel' ? key : Number(key);
      return `SELECT * FROM (SELECT ${j} AS q, ${group ? `f.${group}` : '0'} AS g, ${col} AS w, 0 AS rn FROM report_facts f WHERE ${where}${group ? ` AND f.${group} = :k${j}` : ''}
        ORDER BY ${col} ${fromTop ? 'DESC' : 'ASC'} LIMIT ${last - first + 1} OFFSET ${fromTop ? size - last : first - 1}) x${j}`;
    }
    const pick = l.keys.map((k, i) => {
      params[`k${j}_${i}`] = group === 'channel' ? k.key : Number(k.key);
      return `(x.g = :k${j}_${i} AND x.rn IN (${[...new Set(k.ranks.map((r) => r - k.below))].join(', ')}))`;
    });
    return `SELECT ${j} AS q, x.g AS g, x.w AS w, x.rn AS rn FROM (
        SELECT f.${group} AS g, ${col} AS w, ROW_NUMBER() OVER (PARTITION BY f.${group} ORDER BY ${col}) AS rn FROM report_facts f WHERE ${where}
      ) x WHERE ${pick.join(' OR ')}`;
  });
  const rows = await run(m, arms.join(' UNION ALL '), params);
  const put = (ask: number, key: string, rank: number, v: number) => {
    const k = `${ask}|${key}`;
    const at = out.get(k) ?? new Map<number, number>();
    at.set(rank, v);
    out.set(k, at);
  };
  // A single-key look-up's rows are its consecutive ranks: sorted, they are numbered from the first.
  const byLookup = new Map<number, number[]>();
  for (const r of rows) {
    const l = lookups[num(r.q)];
    if (l.keys.length === 1) byLookup.set(num(r.q), [...(byLookup.get(num(r.q)) ?? []), num(r.w)]);
    else {
      const k = l.keys.find((x) => x.key === String(r.g))!;
      put(l.ask, k.key, num(r.rn) + k.below, num(r.w));
    }
  }
  for (const [j, ws] of byLookup) {
    const { ask, keys: [k] } = lookups[j];
    const first = Math.min(...k.ranks);
    ws.sort((a, b) => a - b).forEach((v, i) => put(ask, k.key, first + i, v));
  }
  return out;
}

// Durations per band and group for each ask, in one statement each for the whole UTC days (from
// the rollups) and for the periods' edges (from the facts).
async function histograms(m: EntityManager, asks: SpreadAsk[], f: FactFilters, group: Group | null): Promise<Map<string, number[]>[]> {
  const out = asks.map(() => new Map<string, number[]>());
  const add = (ask: number, key: string, bin: number, n: number) => {
    const h = out[ask].get(key) ?? new Array<number>(BINS).fill(0);
    h[bin] += n;
    out[ask].set(key, h);
  };
  const rollupArms: string[] = [];
  const factArms: string[] = [];
  const filters = filterSql({}, f);
  const rollupParams: Record<string, unknown> = {};
  const factParams: Record<string, unknown> = { ...filters.params };
  asks.forEach(({ measure, w }, i) => {
    const fullFrom = Math.ceil(w.from / DAY_MS);
    const fullTo = Math.floor(w.to / DAY_MS);
    const edges: Window[] = [];
    if (fullFrom >= fullTo) edges.push(w);
    else {
      const cols = binColumns(measure);
      const rw = rollupWhere(f, group, cols);
      Object.assign(rollupParams, rw.params, { [`rf${i}`]: fullFrom, [`rt${i}`]: fullTo });
      rollupArms.push(`SELECT ${i} AS q, ${group ? `r.${group}` : '0'} AS g, ${cols.map((c, b) => `SUM(r.${c}) AS b${b}`).join(', ')} FROM ${rw.table} r
        WHERE ${[`r.day >= :rf${i} AND r.day < :rt${i}`, ...rw.sql].join(' AND ')}${group ? ` GROUP BY r.${group}` : ''}`);
      if (w.from < fullFrom * DAY_MS) edges.push({ from: w.from, to: fullFrom * DAY_MS });
      if (fullTo * DAY_MS < w.to) edges.push({ from: fullTo * DAY_MS, to: w.to });
    }
    for (const e of edges) {
      const j = factArms.length;
      const col = `f.${measureColumn(measure)}`;
      Object.assign(factParams, { [`ea${j}`]: e.from, [`eb${j}`]: e.to, [`ed${j}`]: daysOf(e) });
      factArms.push(`SELECT ${i} AS q, ${group ? `f.${group}` : '0'} AS g, ${binSql(col)} AS b, COUNT(*) AS n FROM report_facts f
        WHERE ${MEASURE_SQL[measure]} AND ${DAY_SQL('f')} IN (:...ed${j}) AND ${col} IS NOT NULL AND f.at >= :ea${j} AND f.at < :eb${j} AND ${filters.sql}${group ? ` AND f.${group} IS NOT NULL` : ''}
        GROUP BY ${group ? `f.${group}, ` : ''}${binSql(col)}`);
    }
  });
  const [rollupRows, factRows] = await Promise.all([
    rollupArms.length ? run(m, rollupArms.join(' UNION ALL '), rollupParams) : Promise.resolve([]),
    factArms.length ? run(m, factArms.join(' UNION ALL '), factParams) : Promise.resolve([]),
  ]);
  const keyOfRow = (r: Record<string, unknown>) => (group ? String(r.g) : 'all');
  for (const r of rollupRows) for (let b = 0; b < BINS; b++) if (num(r[`b${b}`])) add(num(r.q), keyOfRow(r), b, num(r[`b${b}`]));
  for (const r of factRows) add(num(r.q), keyOfRow(r), num(r.b), num(r.n));
  return out;
}
