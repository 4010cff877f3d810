import { EntityManager } from 'typeorm';
import { lockFactsShared } from './report-settle-lock';
import { CsatSurvey, Message, ReportFact } from '../entities';

export type NewCsatSurvey = Omit<CsatSurvey, 'id'>;

export const csatSurveyRepository = {
  async insert(m: EntityManager, row: NewCsatSurvey): Promise<number> {
    const r = await m.getRepository(CsatSurvey).insert(row);
    return r.identifiers[0].id;
  },

  async findById(m: EntityManager, id: number): Promise<CsatSurvey | null> {
    return m.getRepository(CsatSurvey).findOneBy({ id });
  },

  async findBySolve(m: EntityManager, ticketId: number, solvedAt: number): Promise<CsatSurvey | null> {
    return m.getRepository(CsatSurvey).findOneBy({ ticketId, solvedAt });
  },

  // Takes a scheduled survey for sending; false when another node (or run) already took it.
  async claim(m: EntityManager, id: number, now: number): Promise<boolean> {
    const r = await m.createQueryBuilder().update(CsatSurvey).set({ state: 'sent', sentAt: now })
      .where("id = :id AND state = 'scheduled' AND due_at <= :now", { id, now }).execute();
    return (r.affected ?? 0) > 0;
  },

  async update(m: EntityManager, id: number, patch: Partial<CsatSurvey>): Promise<void> {
    await m.getRepository(CsatSurvey).update({ id }, patch);
  },

  async byTickets(m: EntityManager, ticketIds: number[]): Promise<CsatSurvey[]> {
    if (!ticketIds.length) return [];
    return m.getRepository(CsatSurvey).createQueryBuilder('c').where('c.ticket_id IN (:...ticketIds)', { ticketIds }).orderBy('c.id', 'ASC').getMany();
  },

  // The newest request of each ticket that went out (what the customer web offers to rate).
  async latestSentOf(m: EntityManager, ticketIds: number[]): Promise<Map<number, CsatSurvey>> {
    const out = new Map<number, CsatSurvey>();
    if (!ticketIds.length) return out;
    const rows = await m.getRepository(CsatSurvey).createQueryBuilder('c')
      .where("c.ticket_id IN (:...ticketIds) AND c.state = 'sent'", { ticketIds }).orderBy('c.id', 'ASC').getMany();
    for (const r of rows) out.set(r.ticketId, r);
    return out;
  },

  async due(m: EntityManager, now: number, limit: number): Promise<CsatSurvey[]> {
    return m.getRepository(CsatSurvey).createQueryBuilder('c')
      .where("c.state = 'scheduled' AND c.due_at <= :now", { now }).orderBy('c.due_at', 'ASC').addOrderBy('c.id', 'ASC').limit(limit).getMany();
  },

  // The per-contact rate limit: was this person asked since `since` (on any ticket)?
  async sentToContactSince(m: EntityManager, contactId: number, since: number, exceptId: number): Promise<boolean> {
    const n = await m.getRepository(CsatSurvey).createQueryBuilder('c')
      .where("c.contact_id = :contactId AND c.state = 'sent' AND c.sent_at > :since AND c.id <> :exceptId", { contactId, since, exceptId }).limit(1).getCount();
    return n > 0;
  },

  // The agent who last answered the customer (notes do not count).
  async lastReplyingAgent(m: EntityManager, ticketId: number): Promise<number | null> {
    const row = await m.getRepository(Message).createQueryBuilder('msg').select('msg.author_agent_id', 'agent')
      .where("msg.ticket_id = :ticketId AND msg.author_type = 'agent' AND msg.audience <> 'staff' AND msg.author_agent_id IS NOT NULL", { ticketId })
      .orderBy('msg.id', 'DESC').limit(1).getRawOne();
    return row?.agent == null ? null : Number(row.agent);
  },

  // A changed mind: the survey's csat fact takes the new score (wherever merges filed it).
  // `ticketIds`: the survey's ticket and the tickets it was merged into.
  async updateFactValue(m: EntityManager, s: Pick<CsatSurvey, 'contactId' | 'inboxId' | 'sentAt'>, ticketIds: number[], value: number): Promise<number> {
    await lockFactsShared(m);
    const r = await m.createQueryBuilder().update(ReportFact).set({ value })
      .where("kind = 'csat' AND contact_id = :contactId AND inbox_id = :inboxId AND at = :at AND ticket_id IN (:...ticketIds)", { contactId: s.contactId, inboxId: s.inboxId, at: s.sentAt, ticketIds })
      .execute();
    return r.affected ?? 0;
  },
};
