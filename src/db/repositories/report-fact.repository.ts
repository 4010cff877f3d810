import { EntityManager } from 'typeorm';
import { ReportFact, ReportFactKind, Ticket } from '../entities';

// What a writer says about a fact; the ticket's own columns (inbox, channel, team, visibility)
// come from `ticketFact` so every kind carries them alike.
export type NewReportFact = Omit<ReportFact, 'id'>;
type TicketShape = Pick<Ticket, 'id' | 'inboxId' | 'channel' | 'teamId' | 'visibility'>;
export type FactDetails = Partial<Pick<ReportFact, 'agentId' | 'contactId' | 'audience' | 'statusFrom' | 'statusTo' | 'wallMs' | 'businessMs' | 'reach' | 'value' | 'messageId'>>;

export function ticketFact(ticket: TicketShape, kind: ReportFactKind, at: number, details: FactDetails = {}): NewReportFact {
  return {
    kind, at, ticketId: ticket.id, inboxId: ticket.inboxId, channel: ticket.channel, teamId: ticket.teamId ?? null,
    visibility: ticket.visibility, agentId: null, contactId: null, audience: null, statusFrom: null, statusTo: null,
    wallMs: null, businessMs: null, reach: null, value: null, messageId: null, ...details,
  };
}

// 18 columns a row: 500 rows stay far below SQLite's and Postgres's bound-parameter limits.
const BATCH = 500;

export const reportFactRepository = {
  async record(m: EntityManager, fact: NewReportFact | NewReportFact[]): Promise<void> {
    const rows = Array.isArray(fact) ? fact : [fact];
    for (let i = 0; i < rows.length; i += BATCH) {
      await m.createQueryBuilder().insert().into(ReportFact).values(rows.slice(i, i + BATCH)).updateEntity(false).execute();
    }
  },

  async listByTicket(m: EntityManager, ticketId: number): Promise<ReportFact[]> {
    return m.getRepository(ReportFact).find({ where: { ticketId }, order: { at: 'ASC', id: 'ASC' } });
  },

  async deleteByTicket(m: EntityManager, ticketIds: number[]): Promise<void> {
    if (ticketIds.length) await m.createQueryBuilder().delete().from(ReportFact).where('ticket_id IN (:...ticketIds)', { ticketIds }).execute();
  },

  async clear(m: EntityManager): Promise<void> {
    await m.createQueryBuilder().delete().from(ReportFact).execute();
  },

  async count(m: EntityManager): Promise<number> {
    return m.getRepository(ReportFact).count();
  },
};
