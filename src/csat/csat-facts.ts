import type { CsatSurvey, Ticket } from '../db/entities';
import { type NewReportFact, ticketFact } from '../db/repositories/report-fact.repository';

type TicketShape = Pick<Ticket, 'id' | 'inboxId' | 'channel' | 'teamId' | 'visibility'>;

// Both facts of a survey sit at the time it was sent, so a period's response rate compares the
// requests it sent with the answers to those very requests. The rating's wall time is how long
// the customer took to answer; its value the score (3 good, 2 okay, 1 bad).
export function csatSentFact(t: TicketShape, s: CsatSurvey): NewReportFact {
  return ticketFact(t, 'csat_sent', s.sentAt!, { agentId: s.agentId, contactId: s.contactId });
}

export function csatRatedFact(t: TicketShape, s: CsatSurvey): NewReportFact {
  return ticketFact(t, 'csat', s.sentAt!, { agentId: s.agentId, contactId: s.contactId, value: s.score, wallMs: Math.max(0, s.ratedAt! - s.sentAt!) });
}

export function csatFacts(t: TicketShape, surveys: CsatSurvey[]): NewReportFact[] {
  const out: NewReportFact[] = [];
  for (const s of surveys) {
    if (s.state !== 'sent' || s.sentAt === null) continue;
    out.push(csatSentFact(t, s));
    if (s.score !== null && s.ratedAt !== null) out.push(csatRatedFact(t, s));
  }
  return out;
}
