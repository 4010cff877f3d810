import type { EntityManager } from 'typeorm';
import { ticketCountRepository } from './ticket-count.repository';

// Read queries for the command centre (/reports/live): what is true right now, read from the
// open tickets through indexes on tickets (status first) — never the messages, never history.

// A ticket awaits the team while it is new or open (pending waits on the customer).
const AWAITING = `('new', 'open')`;
const OPEN = `('new', 'open', 'pending')`;
const OPEN_STATUSES = ['new', 'open', 'pending'];
const COUNTED = `t.merged_into_id IS NULL AND t.automatic IS NULL`;

export interface OpenByChannel { channel: string; status: string; n: number }
export interface WaitingTicket { ticketId: number; subject: string; channel: string; requesterId: number; requesterName: string; since: number }
export interface DueTicket { ticketId: number; subject: string; channel: string; status: string; dueAt: number; assigneeId: number | null }
export interface PublicWait { ticketId: number; subject: string; channel: string; requesterId: number; requesterName: string; since: number; reach: number }
export interface AgentLoad { agentId: number; open: number }

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
const waiting = (r: Record<string, unknown>): WaitingTicket => ({
  ticketId: num(r.ticket_id), subject: String(r.subject ?? ''), channel: String(r.channel), requesterId: num(r.requester_id), requesterName: String(r.requester_name ?? ''), since: num(r.since),
});

async function run<T = Record<string, unknown>>(m: EntityManager, sql: string, params: Record<string, unknown>): Promise<T[]> {
  const [q, p] = m.connection.driver.escapeQueryWithParameters(sql, params);
  return m.query(q, p);
}

export const liveFiguresRepository = {
  // Open tickets per channel and status, summed from the kept counts (never a count of tickets).
  async openByChannel(m: EntityManager): Promise<OpenByChannel[]> {
    const out = new Map<string, OpenByChannel>();
    for (const g of await ticketCountRepository.groups(m)) {
      if (!OPEN_STATUSES.includes(g.status) || g.automatic) continue;
      const k = `${g.channel}|${g.status}`;
      const row = out.get(k) ?? { channel: g.channel, status: g.status, n: 0 };
      row.n += g.n;
      out.set(k, row);
    }
    return [...out.values()];
  },

  // Customers waiting for an answer (since the first thing they said after the last agent reply,
  // kept on the ticket by the commands), per channel the longest: the first entries of each
  // channel's stretch of ix_tickets_awaiting_agent (status, channel, awaiting_agent_since).
  async longestWaiting(m: EntityManager, perChannel = 1): Promise<WaitingTicket[]> {
    const firsts = await run(m, `SELECT t.channel AS channel, MIN(t.awaiting_agent_since) AS since FROM tickets t
      WHERE t.status IN ${AWAITING} AND t.awaiting_agent_since IS NOT NULL AND ${COUNTED} GROUP BY t.channel`, {});
    const out: WaitingTicket[] = [];
    for (const f of firsts) {
      const rows = await run(m, `SELECT t.id AS ticket_id, t.subject AS subject, t.channel AS channel, t.requester_id AS requester_id, c.name AS requester_name, t.awaiting_agent_since AS since
        FROM tickets t LEFT JOIN contacts c ON c.id = t.requester_id
        WHERE t.status IN ${AWAITING} AND t.channel = :channel AND t.awaiting_agent_since IS NOT NULL AND ${COUNTED}
        ORDER BY t.awaiting_agent_since ASC, t.id ASC LIMIT ${Math.floor(perChannel)}`, { channel: f.channel });
      out.push(...rows.map(waiting));
    }
    return out;
  },

  // Tickets whose first response falls due before `until` (overdue ones included), soonest
  // first, read in due order from ix_tickets_status_sla the way the inbox's "SLA due" sort is.
  // The one place the command centre asks "what is due": richer due times (SLA policies) change here.
  async dueBefore(m: EntityManager, until: number, limit = 50): Promise<DueTicket[]> {
    const rows = await run(m, `SELECT t.id AS id, t.subject AS subject, t.channel AS channel, t.status AS status, t.sla_due_at AS due_at, t.assignee_id AS assignee_id
      FROM tickets t WHERE t.status IN ${OPEN} AND t.sla_due_at IS NOT NULL AND t.sla_due_at < :until AND ${COUNTED}
      ORDER BY t.sla_due_at ASC, t.id ASC LIMIT ${Math.floor(limit)}`, { until });
    return rows.map((r) => ({ ticketId: num(r.id), subject: String(r.subject ?? ''), channel: String(r.channel), status: String(r.status), dueAt: num(r.due_at), assigneeId: r.assignee_id === null ? null : num(r.assignee_id) }));
  },

  // How many tickets fall due before `until`, per channel (the list above is capped).
  async dueCountsBefore(m: EntityManager, now: number, until: number): Promise<{ channel: string; overdue: number; atRisk: number }[]> {
    const rows = await run(m, `SELECT t.channel AS channel, SUM(CASE WHEN t.sla_due_at < :now THEN 1 ELSE 0 END) AS overdue,
        SUM(CASE WHEN t.sla_due_at >= :now THEN 1 ELSE 0 END) AS at_risk
      FROM tickets t WHERE t.status IN ${OPEN} AND t.sla_due_at IS NOT NULL AND t.sla_due_at < :until AND ${COUNTED} GROUP BY t.channel`, { now, until });
    return rows.map((r) => ({ channel: String(r.channel), overdue: num(r.overdue), atRisk: num(r.at_risk) }));
  },

  // Public posts the team has not answered yet, with the reach of the person who posted: the
  // most followers any identity of the requester has, or a waiting public reply carried.
  async unansweredPublic(m: EntityManager, limit = 10): Promise<{ rows: PublicWait[]; total: number; totalReach: number }> {
    const rows = await run(m, `SELECT t.id AS ticket_id, t.subject AS subject, t.channel AS channel, t.requester_id AS requester_id, c.name AS requester_name, t.awaiting_agent_since AS since,
        (SELECT MAX(i.followers) FROM identities i WHERE i.contact_id = t.requester_id) AS followers,
        (SELECT MAX(f.reach) FROM report_facts f WHERE f.ticket_id = t.id AND f.kind = 'customer_reply' AND f.audience = 'public' AND f.at >= t.awaiting_agent_since) AS reply_reach
      FROM tickets t LEFT JOIN contacts c ON c.id = t.requester_id
      WHERE t.status IN ${AWAITING} AND t.awaiting_agent_since IS NOT NULL AND t.visibility = 'public' AND ${COUNTED}`, {});
    const all = rows.map((r) => ({ ...waiting(r), reach: Math.max(num(r.followers), num(r.reply_reach)) }));
    all.sort((a, b) => b.reach - a.reach || a.since - b.since || a.ticketId - b.ticketId);
    return { rows: all.slice(0, limit), total: all.length, totalReach: all.reduce((s, r) => s + r.reach, 0) };
  },

  // Open tickets assigned to each agent, summed from the kept counts.
  async openLoad(m: EntityManager): Promise<AgentLoad[]> {
    const out = new Map<number, number>();
    for (const g of await ticketCountRepository.groups(m)) {
      if (!OPEN_STATUSES.includes(g.status) || g.automatic || g.assigneeId === null) continue;
      out.set(g.assigneeId, (out.get(g.assigneeId) ?? 0) + g.n);
    }
    return [...out].map(([agentId, open]) => ({ agentId, open }));
  },
};
