import type { EntityManager } from 'typeorm';
import { reportOutcomeRepository } from './report-outcome.repository';
import { lockFactsAlone } from './report-settle-lock';
import { isTouch, reportTouchChainRepository } from './report-touch-chain';
import { binder } from './plain-rows';

// report_rollups: per UTC day and (channel, inbox, team, agent), the counts the report views add
// up and a histogram of the durations they take medians of. Kept in the same transaction as the
// facts (every insert and delete of facts goes through here), so a 90-day view sums a few
// thousand rows instead of a million facts. The histogram only says which narrow band holds a
// median; the exact value is then read from the facts of that band (report-query.repository).

export const DAY_MS = 86_400_000;
// The day a fact falls on, as both stores compute it (integer division of a bigint).
export const DAY_SQL = (alias: string) => `${alias}.at / ${DAY_MS}`;

// handled_agent / handled_team: touches that were the agent's / team's first on their ticket
// (see report-touch-chain.ts: with the touches whose previous one lies before a period's start
// they make "tickets handled").
export const COUNT_COLUMNS = ['created', 'replies', 'solved', 'reopened', 'backlog_delta', 'notes', 'handled_agent', 'handled_team'] as const;
export type CountColumn = (typeof COUNT_COLUMNS)[number];

// Durations measured per day: first response and resolution (a status change to solved), in
// wall time and (b…) in business time.
export const SPREAD_MEASURES = ['frt', 'res', 'bfrt', 'bres'] as const;
export type SpreadMeasure = (typeof SPREAD_MEASURES)[number];
export const measureColumn = (measure: SpreadMeasure) => (measure.startsWith('b') ? 'business_ms' : 'wall_ms');

// Bin 0 holds durations under 10 s; bin i ≥ 1 starts at 10 s × 2^((i-1)/3), so each band is
// about 26 % wide and the last one starts near 243 days.
export const BINS = 64;
export const BIN_EDGES: number[] = Array.from({ length: BINS }, (_, i) => (i === 0 ? Number.NEGATIVE_INFINITY : Math.round(10_000 * 2 ** ((i - 1) / 3))));
export const binOf = (ms: number): number => {
  let lo = 0;
  let hi = BINS - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ms >= BIN_EDGES[mid]) lo = mid;
    else hi = mid - 1;
  }
  return lo;
};
// The same bin in SQL, for facts read straight from report_facts.
export const binSql = (col: string) => `CASE ${Array.from({ length: BINS - 1 }, (_, j) => BINS - 1 - j).map((i) => `WHEN ${col} >= ${BIN_EDGES[i]} THEN ${i}`).join(' ')} ELSE 0 END`;
export const binColumns = (measure: SpreadMeasure) => Array.from({ length: BINS }, (_, i) => `${measure}_${i}`);

const KEY_COLUMNS = ['day', 'channel', 'inbox_id', 'team_id', 'agent_id'] as const;
export const ROLLUP_COLUMNS = [...COUNT_COLUMNS, ...SPREAD_MEASURES.flatMap(binColumns)];

// report_channel_rollups: the same numbers summed per (day, channel), read by views with no
// inbox, team or agent filter. Its own column list: columns added to report_rollups later are
// not in it until a migration adds them (reads that need them use report_rollups).
const CHANNEL_KEY_COLUMNS = ['day', 'channel'] as const;
export const CHANNEL_ROLLUP_COLUMNS: readonly string[] = [...COUNT_COLUMNS, ...SPREAD_MEASURES.flatMap(binColumns)];

// report_agent_rollups: the wall-time histograms summed per (day, agent, team), for the agents
// view's medians; kept by triggers on report_rollups too (migration 1764000040110).
export const AGENT_KEY_COLUMNS = ['day', 'agent_id', 'team_id'] as const;
export const AGENT_ROLLUP_COLUMNS: readonly string[] = [...binColumns('frt'), ...binColumns('res')];

// The columns of a fact the rollups read (report_facts' own names and types).
export interface RollupSource {
  kind: string; at: number; channel: string; inboxId: number; teamId: number | null; agentId: number | null;
  statusFrom: string | null; statusTo: string | null; wallMs: number | null; businessMs: number | null;
  agentPrevAt: number | null; teamPrevAt: number | null;
}

const done = (s: string | null) => s === 'solved' || s === 'closed';
const open = (s: string | null) => s !== null && !done(s);

// What one fact adds to its row: the same rules as the counts read from facts directly.
export function rollupCells(f: RollupSource): string[] {
  const out: string[] = [];
  if (isTouch(f.kind)) {
    if (f.agentId !== null && f.agentPrevAt === null) out.push('handled_agent');
    if (f.teamId !== null && f.teamPrevAt === null) out.push('handled_team');
  }
  if (f.kind === 'ticket_created') out.push('created', 'backlog_delta');
  else if (f.kind === 'agent_reply') out.push('replies');
  else if (f.kind === 'note') out.push('notes');
  else if (f.kind === 'first_response') {
    if (f.wallMs !== null) out.push(`frt_${binOf(Number(f.wallMs))}`);
    if (f.businessMs !== null) out.push(`bfrt_${binOf(Number(f.businessMs))}`);
  }
  else if (f.kind === 'status_changed') {
    if (f.statusTo === 'solved') {
      out.push('solved');
      if (f.wallMs !== null) out.push(`res_${binOf(Number(f.wallMs))}`);
      if (f.businessMs !== null) out.push(`bres_${binOf(Number(f.businessMs))}`);
    }
    if (done(f.statusFrom) && open(f.statusTo)) out.push('reopened');
  }
  return out;
}

// backlog_delta moves by −1 too (a ticket solved or closed): kept apart from the +1 cells.
function backlogMove(f: RollupSource): number {
  if (f.kind !== 'status_changed') return 0;
  if (open(f.statusFrom) && done(f.statusTo)) return -1;
  if (done(f.statusFrom) && open(f.statusTo)) return 1;
  return 0;
}

type Delta = Map<string, { key: [number, string, number, number, number]; cells: Map<string, number> }>;

export function rollupDelta(facts: RollupSource[], sign: 1 | -1, into: Delta = new Map()): Delta {
  for (const f of facts) {
    const cells = rollupCells(f);
    const move = backlogMove(f);
    if (!cells.length && !move) continue;
    const key: [number, string, number, number, number] = [Math.floor(Number(f.at) / DAY_MS), f.channel, Number(f.inboxId), Number(f.teamId ?? 0), Number(f.agentId ?? 0)];
    const k = key.join('|');
    let row = into.get(k);
    if (!row) into.set(k, (row = { key, cells: new Map() }));
    for (const c of cells) row.cells.set(c, (row.cells.get(c) ?? 0) + sign);
    if (move) row.cells.set('backlog_delta', (row.cells.get('backlog_delta') ?? 0) + sign * move);
  }
  return into;
}


type Row = { key: (number | string)[]; cells: Map<string, number> };

// Adds rows to a rollup table, creating them as needed: one statement per 100 rows that move
// the same cells (a settled batch's rows move a few cells each; writing every row with the union
// of their cells would touch hundreds of zero cells per row, and the triggers with them).
async function upsert(m: EntityManager, table: string, keyColumns: readonly string[], all: Row[]): Promise<void> {
  const groups = new Map<string, { cols: string[]; rows: Row[] }>();
  for (const r of all) {
    const cols = [...r.cells].filter(([, v]) => v !== 0).map(([c]) => c).sort();
    if (!cols.length) continue;
    const sig = cols.join(',');
    let g = groups.get(sig);
    if (!g) groups.set(sig, (g = { cols, rows: [] }));
    g.rows.push(r);
  }
  // Rows in key order within each statement: two writers of the same rows lock them alike.
  const byKey = (a: Row, b: Row) => a.key.join('|').localeCompare(b.key.join('|'));
  for (const { cols, rows } of groups.values()) {
    rows.sort(byKey);
    for (let i = 0; i < rows.length; i += 100) {
      const chunk = rows.slice(i, i + 100);
      const { bind, params } = binder(m);
      const tuples = chunk.map((r) => `(${[...r.key, ...cols.map((c) => r.cells.get(c) ?? 0)].map(bind).join(', ')})`);
      await m.query(
        `INSERT INTO ${table} (${[...keyColumns, ...cols].join(', ')}) VALUES ${tuples.join(', ')}
         ON CONFLICT (${keyColumns.join(', ')}) DO UPDATE SET ${cols.map((c) => `${c} = ${table}.${c} + excluded.${c}`).join(', ')}`,
        params,
      );
    }
  }
}

export const reportRollupRepository = {
  // Adds a delta to the rows it names; the store's triggers (migrations 1764000040100 and
  // 1764000040110) add the same to their per-channel and per-agent sums, so a change costs one
  // statement.
  async apply(m: EntityManager, delta: Delta): Promise<void> {
    if (!delta.size) return;
    await upsert(m, 'report_rollups', KEY_COLUMNS, [...delta.values()]);
  },

  async clear(m: EntityManager): Promise<void> {
    await m.query('DELETE FROM report_rollups');
    await m.query('DELETE FROM report_channel_rollups');
    await m.query('DELETE FROM report_agent_rollups');
  },

  // Rebuilds every row from report_facts (after a bulk load, and in tests as the reference),
  // and the per-question outcome rows beside them.
  async rebuildFromFacts(m: EntityManager, opts: { chunk?: number } = {}): Promise<{ facts: number; rows: number; outcomes: number }> {
    const chunk = opts.chunk ?? 20_000;
    // Every fact counts in what is rebuilt, so none is left for the settler (kept out meanwhile).
    await lockFactsAlone(m);
    await m.query('UPDATE report_facts SET rolled_up = 1 WHERE rolled_up = 0');
    // The touch links first: the handled counts read them.
    await reportTouchChainRepository.rebuild(m);
    await this.clear(m);
    let facts = 0;
    let rows = 0;
    for (let after = 0; ;) {
      const { bind, params } = binder(m);
      const batch: (RollupSource & { id: number })[] = await m.query(
        `SELECT id, kind, at, channel, inbox_id AS "inboxId", team_id AS "teamId", agent_id AS "agentId", status_from AS "statusFrom", status_to AS "statusTo", wall_ms AS "wallMs", business_ms AS "businessMs",
           agent_prev_at AS "agentPrevAt", team_prev_at AS "teamPrevAt"
         FROM report_facts WHERE id > ${bind(after)} ORDER BY id LIMIT ${Math.floor(chunk)}`, params);
      if (!batch.length) break;
      const delta = rollupDelta(batch, 1);
      await this.apply(m, delta);
      facts += batch.length;
      rows += delta.size;
      after = Number(batch[batch.length - 1].id);
    }
    // The per-channel and per-agent sums summed again from the rows, not taken from the
    // triggers: tests compare the triggers' kept sums with these.
    for (const [table, keys, cols] of [['report_channel_rollups', CHANNEL_KEY_COLUMNS, CHANNEL_ROLLUP_COLUMNS], ['report_agent_rollups', AGENT_KEY_COLUMNS, AGENT_ROLLUP_COLUMNS]] as const) {
      await m.query(`DELETE FROM ${table}`);
      await m.query(`INSERT INTO ${table} (${[...keys, ...cols].join(', ')})
        SELECT ${[...keys, ...cols.map((c) => `SUM(${c})`)].join(', ')} FROM report_rollups GROUP BY ${keys.join(', ')}`);
    }
    const outcomes = await reportOutcomeRepository.rebuildFromFacts(m);
    return { facts, rows: Number((await m.query('SELECT COUNT(*) AS n FROM report_rollups'))[0].n), outcomes };
  },

  // Every row with any number in it, in key order, then the per-channel rows (level 'channel')
  // and the per-agent rows (level 'agent'):
  // tests compare a kept table with a rebuilt one.
  async listNonZero(m: EntityManager): Promise<Record<string, number | string>[]> {
    const rows: Record<string, unknown>[] = await m.query(`SELECT * FROM report_rollups ORDER BY ${KEY_COLUMNS.join(', ')}`);
    const channelRows: Record<string, unknown>[] = await m.query(`SELECT * FROM report_channel_rollups ORDER BY day, channel`);
    const agentRows: Record<string, unknown>[] = await m.query(`SELECT * FROM report_agent_rollups ORDER BY ${AGENT_KEY_COLUMNS.join(', ')}`);
    const pick = (r: Record<string, unknown>, cols: readonly string[]): Record<string, number | string> => Object.fromEntries(cols.map((c) => [c, c === 'channel' ? String(r[c]) : Number(r[c])]));
    return [
      ...rows.map((r) => pick(r, [...KEY_COLUMNS, ...ROLLUP_COLUMNS])).filter((r) => ROLLUP_COLUMNS.some((c) => r[c] !== 0)),
      ...channelRows.map((r): Record<string, number | string> => ({ level: 'channel', ...pick(r, [...CHANNEL_KEY_COLUMNS, ...CHANNEL_ROLLUP_COLUMNS]) })).filter((r) => CHANNEL_ROLLUP_COLUMNS.some((c) => r[c] !== 0)),
      ...agentRows.map((r): Record<string, number | string> => ({ level: 'agent', ...pick(r, [...AGENT_KEY_COLUMNS, ...AGENT_ROLLUP_COLUMNS]) })).filter((r) => AGENT_ROLLUP_COLUMNS.some((c) => r[c] !== 0)),
    ];
  },
};
