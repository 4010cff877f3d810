import type { EntityManager } from 'typeorm';
import { binder } from './plain-rows';

// A ticket's stored facts as one read, kept for the rest of its transaction: a reply asks for
// the open mentions of its agent, a member's answer whether the ticket has a community answer
// yet; one read of the ticket's few facts serves every such question of one change. Every write
// of facts in the transaction forgets what was read, so a later question reads again; outside a
// transaction nothing is kept.

export interface StoredFact {
  id: number; kind: string; at: number; ticketId: number; channel: string; inboxId: number; teamId: number | null; agentId: number | null; messageId: number | null;
  visibility: string; audience: string | null; statusTo: string | null;
  agentPrevAt: number | null; agentGap: number | null; teamPrevAt: number | null; teamGap: number | null;
}

const read = new WeakMap<EntityManager, Map<number, StoredFact[]>>();
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

export async function storedFactsOf(m: EntityManager, ticketId: number): Promise<StoredFact[]> {
  const inTx = !!m.queryRunner?.isTransactionActive;
  const cached = inTx ? read.get(m)?.get(ticketId) : undefined;
  if (cached) return cached;
  const { bind, params } = binder(m);
  const rows: Record<string, unknown>[] = await m.query(
    `SELECT id, kind, at, channel, inbox_id, team_id, agent_id, message_id, visibility, audience, status_to, agent_prev_at, agent_gap, team_prev_at, team_gap FROM report_facts WHERE ticket_id = ${bind(ticketId)}`, params);
  const facts = rows.map((r): StoredFact => ({
    id: Number(r.id), kind: String(r.kind), at: Number(r.at), ticketId, channel: String(r.channel), inboxId: Number(r.inbox_id), teamId: num(r.team_id), agentId: num(r.agent_id),
    messageId: num(r.message_id), visibility: String(r.visibility), audience: r.audience === null ? null : String(r.audience), statusTo: r.status_to === null ? null : String(r.status_to), agentPrevAt: num(r.agent_prev_at), agentGap: num(r.agent_gap), teamPrevAt: num(r.team_prev_at), teamGap: num(r.team_gap),
  }));
  if (inTx) {
    let map = read.get(m);
    if (!map) read.set(m, (map = new Map()));
    map.set(ticketId, facts);
  }
  return facts;
}

// Facts were written in this transaction: what was read before may be out of date.
export function forgetStoredFacts(m: EntityManager): void {
  read.delete(m);
}
