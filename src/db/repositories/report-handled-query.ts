import type { EntityManager } from 'typeorm';
import { type FactFilters, filterSql, run, type Window } from './report-query.repository';
import { rollupCounts, type Tally } from './report-rollup-query';
import { type Chain, GAP_CLASSES, GAP_MIXED, gapLimit, TOUCH_SQL } from './report-touch-chain';

// "Tickets handled" per agent or team without COUNT(DISTINCT): a ticket counts in a period once,
// on its first touch there (see report-touch-chain.ts). From the rollups: touches that were the
// pair's first ever; from the facts: touches whose previous one lies before the period start
// (each gap class reads only the first 15 min · 2^k of the period, through its index), and the
// rare touches after the pair changed cell, each checked against the period's earlier touches.

export type WorkGroup = 'agent_id' | 'team_id';
export interface Work { key: string; handled: number; replies: number; notes: number; solved: number }

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

// The facts' filter on another alias (tags never reach here: a tag filter reads the facts).
const filterOn = (alias: string, f: FactFilters) => {
  const w = filterSql({}, { ...f, tag: undefined });
  return { sql: w.sql.replace(/\bf\./g, `${alias}.`), params: w.params };
};

export async function workFromRollups(m: EntityManager, group: WorkGroup, w: Window, f: FactFilters): Promise<Work[]> {
  // An agent filter with teams: the agent's own chain, grouped by the team of each touch.
  const chain: Chain = group === 'agent_id' || f.agentId ? 'agent' : 'team';
  const [counts, crossing, mixed] = await Promise.all([
    rollupCounts(m, [w.from, w.to], f, group, false).then((r) => r.segments[0]),
    crossingTouches(m, chain, group, w, f),
    mixedFirsts(m, chain, group, w, f),
  ]);
  const keys = new Set([...counts.keys(), ...crossing.keys(), ...mixed.keys()]);
  const out: Work[] = [];
  for (const key of keys) {
    const c = counts.get(key);
    const first = c ? (chain === 'agent' ? c.handledAgent : c.handledTeam) : 0;
    const handled = first + (crossing.get(key) ?? 0) + (mixed.get(key) ?? 0);
    const row = { key, handled, replies: c?.replies ?? 0, notes: c?.notes ?? 0, solved: (c as Tally | undefined)?.solved ?? 0 };
    if (row.handled + row.replies + row.notes > 0) out.push(row);
  }
  return out;
}

// Touches in the period, not mixed, whose previous touch lies before its start: per gap class
// k they fall in the period's first gapLimit(k), so each class reads a bounded index range.
async function crossingTouches(m: EntityManager, chain: Chain, group: WorkGroup, w: Window, f: FactFilters): Promise<Map<string, number>> {
  const base = filterOn('f', f);
  const params: Record<string, unknown> = { ...base.params, from: w.from };
  const parts = Array.from({ length: GAP_CLASSES }, (_, k) => {
    params[`to${k}`] = Math.min(w.to, w.from + gapLimit(k));
    return `SELECT f.${group} AS g FROM report_facts f WHERE f.${chain}_gap = ${k} AND f.at >= :from AND f.at < :to${k} AND f.${chain}_prev_at < :from
      AND f.${group} IS NOT NULL AND ${base.sql}`;
  });
  const rows = await run(m, `SELECT x.g AS g, COUNT(*) AS n FROM (${parts.join(' UNION ALL ')}) x GROUP BY x.g`, params);
  return new Map(rows.map((r) => [String(r.g), num(r.n)]));
}

// Touches in the period after their pair changed cell: each counts when no earlier touch of the
// pair in the period passes the filter (the filter may see the pair's cells differently).
async function mixedFirsts(m: EntityManager, chain: Chain, group: WorkGroup, w: Window, f: FactFilters): Promise<Map<string, number>> {
  const base = filterOn('f', f);
  const earlier = filterOn('e', f);
  const same = [...new Set([`${chain}_id`, group])].map((c) => `e.${c} = f.${c}`).join(' AND ');
  const rows = await run(m, `SELECT f.${group} AS g, COUNT(*) AS n FROM report_facts f
    WHERE f.${chain}_gap = ${GAP_MIXED} AND f.at >= :from AND f.at < :to AND f.${group} IS NOT NULL AND ${base.sql}
      AND NOT EXISTS (SELECT 1 FROM report_facts e WHERE e.ticket_id = f.ticket_id AND ${TOUCH_SQL('e')} AND ${same}
        AND e.at >= :from AND (e.at < f.at OR (e.at = f.at AND e.id < f.id)) AND ${earlier.sql})
    GROUP BY f.${group}`, { ...base.params, from: w.from, to: w.to });
  return new Map(rows.map((r) => [String(r.g), num(r.n)]));
}
