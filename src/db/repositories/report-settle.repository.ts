import type { EntityManager } from 'typeorm';
import { OUTCOME_KINDS, reportOutcomeRepository } from './report-outcome.repository';
import { reportRollupRepository, rollupDelta, type RollupSource } from './report-rollup.repository';
import { isPg, returnedRows } from './raw-sql';
import { tryLockFactsAlone } from './report-settle-lock';
import { forgetStoredFacts } from './report-ticket-facts';
import { chainLinks, type ChainLinks, reportTouchChainRepository, TOUCH_SQL } from './report-touch-chain';

// Settling: the ticket commands store each fact as a bare row (rolled_up = 0), one INSERT; the
// settler later, for a batch of such rows at once, links the touches of their tickets, adds them
// to the daily rollups and derives their tickets' outcome rows. Reports settle before they read,
// so they never see a fact half-counted.
//
// The invariant: report_rollups holds exactly the share of the rows with rolled_up = 1, computed
// from their stored links. Whoever flips a row's flag moves its share in the same transaction:
// a claim here adds it; a delete or a patch (report-fact.repository) takes it out. Links of
// settled rows move only here, with their share. The RETURNING of each write says what the row
// is now, so a share is moved only for a row that is still settled.

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

// The columns the rollups count a fact by (report_facts' names, as RollupSource).
export const ROLLUP_SOURCE_SELECT = `kind, at, channel, inbox_id AS "inboxId", team_id AS "teamId", agent_id AS "agentId", status_from AS "statusFrom", status_to AS "statusTo",
  wall_ms AS "wallMs", business_ms AS "businessMs", agent_prev_at AS "agentPrevAt", team_prev_at AS "teamPrevAt"`;

export function asSource(r: Record<string, unknown>): RollupSource {
  return {
    kind: String(r.kind), at: Number(r.at), channel: String(r.channel), inboxId: Number(r.inboxId), teamId: num(r.teamId), agentId: num(r.agentId),
    statusFrom: (r.statusFrom as string | null) ?? null, statusTo: (r.statusTo as string | null) ?? null, wallMs: num(r.wallMs), businessMs: num(r.businessMs),
    agentPrevAt: num(r.agentPrevAt), teamPrevAt: num(r.teamPrevAt),
  };
}

type Touch = RollupSource & ChainLinks & { id: number; ticketId: number; settled: boolean };

// Every touch of these tickets as stored now, in chain order.
async function touchesOf(m: EntityManager, ticketIds: number[]): Promise<Touch[]> {
  const out: Touch[] = [];
  const pg = isPg(m);
  for (let i = 0; i < ticketIds.length; i += 500) {
    const ids = ticketIds.slice(i, i + 500);
    const rows: Record<string, unknown>[] = await m.query(
      `SELECT id, ticket_id, rolled_up, agent_gap, team_gap, ${ROLLUP_SOURCE_SELECT} FROM report_facts f
       WHERE f.ticket_id IN (${ids.map((_, j) => (pg ? `$${j + 1}` : '?')).join(', ')}) AND ${TOUCH_SQL('f')}`, ids);
    for (const r of rows) out.push({ ...asSource(r), id: Number(r.id), ticketId: Number(r.ticket_id), settled: Number(r.rolled_up) === 1, agentGap: num(r.agent_gap), teamGap: num(r.team_gap) });
  }
  return out.sort((a, b) => a.at - b.at || a.id - b.id);
}

const sameLinks = (a: ChainLinks, b: ChainLinks) => a.agentPrevAt === b.agentPrevAt && a.agentGap === b.agentGap && a.teamPrevAt === b.teamPrevAt && a.teamGap === b.teamGap;

export const reportSettleRepository = {
  async pending(m: EntityManager): Promise<number> {
    return Number((await m.query('SELECT COUNT(*) AS n FROM report_facts WHERE rolled_up = 0'))[0].n);
  },

  // Settles up to `limit` unsettled facts (oldest first) and returns how many it took; null when
  // another settler or a writer changing stored facts is at work (try again shortly).
  async settleBatch(m: EntityManager, limit: number): Promise<number | null> {
    if (!(await tryLockFactsAlone(m))) return null;
    const claimed = returnedRows<Record<string, unknown>>(m, await m.query(
      `UPDATE report_facts SET rolled_up = 1 WHERE rolled_up = 0 AND id IN (SELECT id FROM report_facts WHERE rolled_up = 0 ORDER BY id LIMIT ${Math.floor(limit)})
       RETURNING id, ticket_id AS "ticketId", ${ROLLUP_SOURCE_SELECT}`));
    if (!claimed.length) return 0;
    forgetStoredFacts(m);
    const mine = new Set(claimed.map((r) => Number(r.id)));
    const tickets = [...new Set(claimed.map((r) => Number(r.ticketId)))].sort((a, b) => a - b);
    const touches = await touchesOf(m, tickets);
    const links = chainLinks(touches);
    // Claimed facts count with their new links; settled touches whose links change move their
    // share (if they are still settled once their row is written).
    const linksOf = new Map<number, ChainLinks>();
    const changed: { id: number; links: ChainLinks }[] = [];
    const moves = new Map<number, { before: RollupSource; after: RollupSource }>();
    touches.forEach((t, j) => {
      const l = links[j];
      linksOf.set(t.id, l);
      if (sameLinks(t, l)) return;
      changed.push({ id: t.id, links: l });
      if (t.settled && !mine.has(t.id)) moves.set(t.id, { before: t, after: { ...t, agentPrevAt: l.agentPrevAt, teamPrevAt: l.teamPrevAt } });
    });
    const stillSettled = await reportTouchChainRepository.setLinks(m, changed);
    const added = claimed.map((r) => {
      const src = asSource(r);
      const l = linksOf.get(Number(r.id));
      return l ? { ...src, agentPrevAt: l.agentPrevAt, teamPrevAt: l.teamPrevAt } : src;
    });
    const moved = [...moves].filter(([id]) => stillSettled.get(id) === true).map(([, mv]) => mv);
    const delta = rollupDelta(moved.map((mv) => mv.after), 1, rollupDelta(moved.map((mv) => mv.before), -1, rollupDelta(added, 1)));
    await reportRollupRepository.apply(m, delta);
    await reportOutcomeRepository.refresh(m, [...new Set(claimed.filter((r) => OUTCOME_KINDS.has(String(r.kind))).map((r) => Number(r.ticketId)))]);
    return claimed.length;
  },
};
