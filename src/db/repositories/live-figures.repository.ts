import type { EntityManager } from 'typeorm';

// Read queries for the command centre (/reports/live): what is true right now. Each reads the
// open tickets through an index on tickets (status first) and, per open ticket, its reporting
// facts through ix_report_facts_ticket — never the messages, never the whole history.

// A ticket awaits the team while it is new or open (pending waits on the customer).
const AWAITING = `('new', 'open')`;
const OPEN = `('new', 'open', 'pending')`;
const COUNTED = `t.merged_into_id IS NULL AND t.automatic IS NULL`;

// Something the customer said: the opening post (unless an agent opened the ticket) or a reply.
const CUSTOMER_SAID = `((f.kind = 'ticket_created' AND f.agent_id IS NULL) OR f.kind = 'customer_reply')`;

export interface OpenByChannel { channel: string; status: string; n: number }
export interface WaitingTicket { ticketId: number; subject: string; channel: string; requesterId: number; requesterName: string; since: number }
export interface DueTicket { ticketId: number; subject: string; channel: string; status: string; dueAt: number; assigneeId: number | null }
export interface PublicWait { ticketId: number; subject: string; channel: string; requesterId: number; requesterName: string; since: number; reach: number }
export interface AgentLoad { agentId: number; open: number }

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

async function run<T = Record<string, unknown>>(m: EntityManager, sql: string, params: Record<string, unknown>): Promise<T[]> {
  const [q, p] = m.connection.driver.escapeQueryWithParameters(sql, params);
  return m.query(q, p);
}

export const liveFiguresRepository = {
  // Open tickets per channel and status: every column read is in ix_tickets_counts.
  async openByChannel(m: EntityManager): Promise<OpenByChannel[]> {
    const rows = await run(m, `SELECT t.channel AS channel, t.status AS status, COUNT(*) AS n FROM tickets t
      WHERE t.status IN ${OPEN} AND ${COUNTED} GROUP BY t.channel, t.status`, {});
    return rows.map((r) => ({ channel: String(r.channel), status: String(r.status), n: num(r.n) }));
  },

  // Customers waiting for an answer: on each ticket awaiting the team, the first thing the
  // customer said after the last agent reply (a note is no answer), per channel the longest.
  async longestWaiting(m: EntityManager, perChannel = 1): Promise<WaitingTicket[]> {
    const rows = await run(m, `SELECT x.ticket_id, x.subject, x.channel, x.requester_id, c.name AS requester_name, x.since FROM (
        SELECT t.id AS ticket_id, t.subject AS subject, t.channel AS channel, t.requester_id AS requester_id,
          (SELECT MIN(f.at) FROM report_facts f WHERE f.ticket_id = t.id AND ${CUSTOMER_SAID}
             AND f.at > COALESCE((SELECT MAX(a.at) FROM report_facts a WHERE a.ticket_id = t.id AND a.kind = 'agent_reply'), -1)) AS since
        FROM tickets t WHERE t.status IN ${AWAITING} AND ${COUNTED}
      ) x LEFT JOIN contacts c ON c.id = x.requester_id WHERE x.since IS NOT NULL`, {});
    const byChannel = new Map<string, WaitingTicket[]>();
    for (const r of rows) {
      const w = { ticketId: num(r.ticket_id), subject: String(r.subject ?? ''), channel: String(r.channel), requesterId: num(r.requester_id), requesterName: String(r.requester_name ?? ''), since: num(r.since) };
      byChannel.set(w.channel, [...(byChannel.get(w.channel) ?? []), w]);
    }
    return [...byChannel.values()].flatMap((list) => list.sort((a, b) => a.since - b.since || a.ticketId - b.ticketId).slice(0, perChannel));
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

  // Public posts nobody has answered in public yet (an agent's public reply or a community
  // answer ends a wait), with the reach of the people who posted them: the most followers any
  // identity of the requester has, or of a waiting reply's author.
  async unansweredPublic(m: EntityManager, limit = 10): Promise<{ rows: PublicWait[]; total: number; totalReach: number }> {
    const lastAnswer = `COALESCE((SELECT MAX(a.at) FROM report_facts a WHERE a.ticket_id = t.id AND ((a.kind = 'agent_reply' AND a.audience = 'public') OR a.kind = 'community_answer')), -1)`;
    const rows = await run(m, `SELECT x.ticket_id, x.subject, x.channel, x.requester_id, c.name AS requester_name, x.since, x.reply_reach,
        (SELECT MAX(i.followers) FROM identities i WHERE i.contact_id = x.requester_id) AS followers
      FROM (
        SELECT t.id AS ticket_id, t.subject AS subject, t.channel AS channel, t.requester_id AS requester_id,
          (SELECT MIN(f.at) FROM report_facts f WHERE f.ticket_id = t.id AND ${CUSTOMER_SAID} AND (f.kind = 'ticket_created' OR f.audience = 'public') AND f.at > ${lastAnswer}) AS since,
          (SELECT MAX(f.reach) FROM report_facts f WHERE f.ticket_id = t.id AND f.kind = 'customer_reply' AND f.audience = 'public' AND f.at > ${lastAnswer}) AS reply_reach
        FROM tickets t WHERE t.visibility = 'public' AND t.status IN ${AWAITING} AND ${COUNTED}
      ) x LEFT JOIN contacts c ON c.id = x.requester_id WHERE x.since IS NOT NULL`, {});
    const all = rows.map((r) => ({
      ticketId: num(r.ticket_id), subject: String(r.subject ?? ''), channel: String(r.channel), requesterId: num(r.requester_id), requesterName: String(r.requester_name ?? ''),
      since: num(r.since), reach: Math.max(num(r.followers), num(r.reply_reach)),
    }));
    all.sort((a, b) => b.reach - a.reach || a.since - b.since || a.ticketId - b.ticketId);
    return { rows: all.slice(0, limit), total: all.length, totalReach: all.reduce((s, r) => s + r.reach, 0) };
  },

  // Open tickets assigned to each agent (ix_tickets_status_assignee_activity).
  async openLoad(m: EntityManager): Promise<AgentLoad[]> {
    const rows = await run(m, `SELECT t.assignee_id AS agent_id, COUNT(*) AS n FROM tickets t
      WHERE t.status IN ${OPEN} AND t.assignee_id IS NOT NULL AND ${COUNTED} GROUP BY t.assignee_id`, {});
    return rows.map((r) => ({ agentId: num(r.agent_id), open: num(r.n) }));
  },
};
