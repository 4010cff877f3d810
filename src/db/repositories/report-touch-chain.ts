import type { EntityManager } from 'typeorm';
import { forgetStoredFacts } from './report-ticket-facts';
import { isPg, returnedRows } from './raw-sql';

// "Tickets handled" (distinct tickets an agent or team replied on, noted or moved in a period)
// is not additive, so the daily rollups cannot sum it. Each touch fact is therefore chained to
// the same agent's (agent_prev_at) and the same team's (team_prev_at) previous touch of that
// ticket, in (at, id) order. A ticket counts in a period once, on its first touch there:
//   handled = touches with no previous one at all (a rollup column per day)
//           + touches whose previous one lies before the period start (found per gap class).
// That holds for any filter only while all earlier touches of the pair sit in the same filter
// cell as this one (channel, inbox and, for agents, team): a touch after the pair changed cell
// is marked mixed (gap class 99) and read from the facts one by one (rare: team moves, merges).

export const TOUCH_KINDS = ['agent_reply', 'note', 'status_changed'] as const;
export const TOUCH_SQL = (alias: string) => `${alias}.kind IN (${TOUCH_KINDS.map((k) => `'${k}'`).join(', ')})`;
export const isTouch = (kind: string) => (TOUCH_KINDS as readonly string[]).includes(kind);

// Gap class k covers gaps below GAP_QUANTUM · 2^k (and at least half that for k ≥ 1): a touch
// of class k whose previous touch lies before s is at most GAP_QUANTUM · 2^k after s.
export const GAP_QUANTUM = 900_000;
export const GAP_CLASSES = 26;
export const GAP_MIXED = 99;
export const gapLimit = (k: number) => GAP_QUANTUM * 2 ** k;
export function gapClass(gap: number): number {
  let k = 0;
  while (k < GAP_CLASSES - 1 && gap >= gapLimit(k)) k++;
  return k;
}
const gapClassSql = (gap: string) => `CASE ${Array.from({ length: GAP_CLASSES - 1 }, (_, k) => `WHEN ${gap} < ${gapLimit(k)} THEN ${k}`).join(' ')} ELSE ${GAP_CLASSES - 1} END`;

export type Chain = 'agent' | 'team';
export interface ChainLinks { agentPrevAt: number | null; agentGap: number | null; teamPrevAt: number | null; teamGap: number | null }
export const NO_LINKS: ChainLinks = { agentPrevAt: null, agentGap: null, teamPrevAt: null, teamGap: null };
export const LINK_COLUMNS = ['agent_prev_at', 'agent_gap', 'team_prev_at', 'team_gap'] as const;

// The columns a link is computed from.
export interface ChainSource { kind: string; at: number; ticketId: number; channel: string; inboxId: number; teamId: number | null; agentId: number | null }

// The pair a touch belongs to and the cell a filter sees it in, per chain.
const pairOf = (f: ChainSource, chain: Chain) => (chain === 'agent' ? (f.agentId === null ? null : `${f.ticketId}:${f.agentId}`) : f.teamId === null ? null : `${f.ticketId}:${f.teamId}`);
const cellOf = (f: ChainSource, chain: Chain) => (chain === 'agent' ? `${f.channel}|${f.inboxId}|${f.teamId ?? 0}` : `${f.channel}|${f.inboxId}`);

// Links of every touch in `facts`, which must be all touches of their tickets in (at, id) order.
export function chainLinks(facts: ChainSource[]): ChainLinks[] {
  const state = { agent: new Map<string, { last: number; cell: string; mixed: boolean }>(), team: new Map<string, { last: number; cell: string; mixed: boolean }>() };
  return facts.map((f) => {
    const out: ChainLinks = { ...NO_LINKS };
    if (!isTouch(f.kind)) return out;
    for (const chain of ['agent', 'team'] as const) {
      const pair = pairOf(f, chain);
      if (pair === null) continue;
      const cell = cellOf(f, chain);
      const at = Number(f.at);
      const s = state[chain].get(pair);
      if (!s) {
        state[chain].set(pair, { last: at, cell, mixed: false });
        continue;
      }
      s.mixed = s.mixed || s.cell !== cell;
      out[`${chain}PrevAt`] = s.last;
      out[`${chain}Gap`] = s.mixed ? GAP_MIXED : gapClass(at - s.last);
      s.last = at;
    }
    return out;
  });
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

export const reportTouchChainRepository = {
  // Writes these touches' links, 500 a statement; answers, per row still there, whether it is
  // settled now (a concurrent patch may have taken it out of the rollups meanwhile).
  async setLinks(m: EntityManager, rows: { id: number; links: ChainLinks }[]): Promise<Map<number, boolean>> {
    const out = new Map<number, boolean>();
    if (!rows.length) return out;
    forgetStoredFacts(m);
    const pg = isPg(m);
    for (let i = 0; i < rows.length; i += 500) {
      const chunk = rows.slice(i, i + 500);
      const params: unknown[] = [];
      const tuples = chunk.map((r) => {
        params.push(r.id, r.links.agentPrevAt, r.links.agentGap, r.links.teamPrevAt, r.links.teamGap);
        const at = params.length - 5;
        return `SELECT ${['id', ...LINK_COLUMNS].map((c, j) => `CAST(${pg ? `$${at + j + 1}` : '?'} AS bigint) AS ${c}`).join(', ')}`;
      });
      const result: unknown = await m.query(
        `UPDATE report_facts SET ${LINK_COLUMNS.map((c) => `${c} = v.${c}`).join(', ')}
         FROM (${tuples.join(' UNION ALL ')}) v WHERE report_facts.id = v.id RETURNING report_facts.id AS id, report_facts.rolled_up AS rolled_up`, params);
      const back = returnedRows<{ id: unknown; rolled_up: unknown }>(m, result);
      for (const r of back) out.set(Number(r.id), Number(r.rolled_up) === 1);
    }
    return out;
  },

  // Every touch fact's links from the facts, in one statement (after a bulk load; the reference
  // the kept links are tested against). The mixed mark: the cells seen so far in the pair are
  // not all one, i.e. some cell column's running min differs from its running max.
  async rebuild(m: EntityManager): Promise<void> {
    forgetStoredFacts(m);
    await m.query(`UPDATE report_facts SET agent_prev_at = NULL, agent_gap = NULL, team_prev_at = NULL, team_gap = NULL
      WHERE agent_prev_at IS NOT NULL OR agent_gap IS NOT NULL OR team_prev_at IS NOT NULL OR team_gap IS NOT NULL`);
    await m.query(chainFillSql());
  },

  // (id, links) of every touch with a link, in id order: tests compare kept links with rebuilt ones.
  async listLinks(m: EntityManager): Promise<Record<string, number | null>[]> {
    const rows: Record<string, unknown>[] = await m.query(`SELECT id, ${LINK_COLUMNS.join(', ')} FROM report_facts ORDER BY id`);
    return rows.map((r) => Object.fromEntries(['id', ...LINK_COLUMNS].map((c) => [c, num(r[c])])));
  },
};

// The links as one UPDATE … FROM (both stores run it; the migration that added the links keeps
// a frozen copy).
export function chainFillSql(): string {
  const run = (part: string) => `OVER (PARTITION BY f.ticket_id, ${part} ORDER BY f.at, f.id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`;
  const mixed = (part: string, cols: string[]) => cols.map((c) => `MIN(${c}) ${run(part)} <> MAX(${c}) ${run(part)}`).join(' OR ');
  const agentCells = ['f.channel', 'f.inbox_id', 'COALESCE(f.team_id, 0)'];
  const teamCells = ['f.channel', 'f.inbox_id'];
  const link = (chain: Chain) => `CASE WHEN x.${chain}_prev IS NULL THEN NULL WHEN x.${chain}_mixed = 1 THEN ${GAP_MIXED} ELSE ${gapClassSql(`(x.at - x.${chain}_prev)`)} END`;
  return `UPDATE report_facts SET
      agent_prev_at = CASE WHEN x.agent_id IS NULL THEN NULL ELSE x.agent_prev END,
      agent_gap = CASE WHEN x.agent_id IS NULL THEN NULL ELSE ${link('agent')} END,
      team_prev_at = CASE WHEN x.team_id IS NULL THEN NULL ELSE x.team_prev END,
      team_gap = CASE WHEN x.team_id IS NULL THEN NULL ELSE ${link('team')} END
    FROM (SELECT f.id AS id, f.at AS at, f.agent_id AS agent_id, f.team_id AS team_id,
        LAG(f.at) OVER (PARTITION BY f.ticket_id, f.agent_id ORDER BY f.at, f.id) AS agent_prev,
        CASE WHEN ${mixed('f.agent_id', agentCells)} THEN 1 ELSE 0 END AS agent_mixed,
        LAG(f.at) OVER (PARTITION BY f.ticket_id, f.team_id ORDER BY f.at, f.id) AS team_prev,
        CASE WHEN ${mixed('f.team_id', teamCells)} THEN 1 ELSE 0 END AS team_mixed
      FROM report_facts f WHERE ${TOUCH_SQL('f')}) x
    WHERE report_facts.id = x.id AND (x.agent_id IS NOT NULL OR x.team_id IS NOT NULL)`;
}
