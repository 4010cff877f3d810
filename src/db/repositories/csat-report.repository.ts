import type { EntityManager } from 'typeorm';
import { filterSql, run, type FactFilters, type Window } from './report-query.repository';

// CSAT numbers for /reports, from the csat_sent and csat facts (both at the time the survey was
// sent, so a period's ratings answer that period's requests). Comments are read from the surveys
// those facts stand for.
export interface CsatCounts { sent: number; rated: number; good: number; okay: number; bad: number; scoreSum: number }
export type CsatGroup = 'channel' | 'agent_id';

const COUNTS = `
  SUM(CASE WHEN f.kind = 'csat_sent' THEN 1 ELSE 0 END) AS sent,
  SUM(CASE WHEN f.kind = 'csat' THEN 1 ELSE 0 END) AS rated,
  SUM(CASE WHEN f.kind = 'csat' AND f.value = 3 THEN 1 ELSE 0 END) AS good,
  SUM(CASE WHEN f.kind = 'csat' AND f.value = 2 THEN 1 ELSE 0 END) AS okay,
  SUM(CASE WHEN f.kind = 'csat' AND f.value = 1 THEN 1 ELSE 0 END) AS bad,
  SUM(CASE WHEN f.kind = 'csat' THEN f.value ELSE 0 END) AS score_sum`;
const KINDS = `f.kind IN ('csat', 'csat_sent')`;

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
const counts = (r: Record<string, unknown> | undefined): CsatCounts => ({ sent: num(r?.sent), rated: num(r?.rated), good: num(r?.good), okay: num(r?.okay), bad: num(r?.bad), scoreSum: num(r?.score_sum) });

export const csatReportRepository = {
  async totals(m: EntityManager, w: Window, f: FactFilters): Promise<CsatCounts> {
    const where = filterSql(w, f);
    const [r] = await run(m, `SELECT ${COUNTS} FROM report_facts f WHERE ${KINDS} AND ${where.sql}`, where.params);
    return counts(r);
  },

  async by(m: EntityManager, group: CsatGroup, w: Window, f: FactFilters): Promise<Map<string, CsatCounts>> {
    const where = filterSql(w, f);
    const rows = await run(m, `SELECT f.${group} AS g, ${COUNTS} FROM report_facts f WHERE ${KINDS} AND ${where.sql} AND f.${group} IS NOT NULL GROUP BY f.${group}`, where.params);
    return new Map(rows.map((r) => [String(r.g), counts(r)]));
  },

  // The period's rated surveys that carry a comment, newest answer first.
  async comments(m: EntityManager, w: Window, f: FactFilters, limit: number): Promise<{ ticketId: number; at: number; score: number; channel: string; agentId: number | null; comment: string }[]> {
    const where = filterSql(w, f);
    const rows = await run(m, `SELECT f.ticket_id AS ticket_id, s.updated_at AS at, f.value AS score, f.channel AS channel, f.agent_id AS agent_id, s.comment AS comment
      FROM report_facts f JOIN csat_surveys s ON s.contact_id = f.contact_id AND s.inbox_id = f.inbox_id AND s.sent_at = f.at
      WHERE f.kind = 'csat' AND s.comment IS NOT NULL AND ${where.sql}
      ORDER BY s.updated_at DESC, s.id DESC LIMIT ${Math.max(1, Math.floor(limit))}`, where.params);
    return rows.map((r) => ({ ticketId: num(r.ticket_id), at: num(r.at), score: num(r.score), channel: String(r.channel), agentId: r.agent_id == null ? null : num(r.agent_id), comment: String(r.comment) }));
  },
};
