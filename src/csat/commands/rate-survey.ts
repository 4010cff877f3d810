import type { EntityManager } from 'typeorm';
import { CSAT_SCORES, type CsatScoreName, type CsatSurvey, type Ticket } from '../../db/entities';
import { csatSurveyRepository } from '../../db/repositories/csat-survey.repository';
import { ticketEventRepository } from '../../db/repositories/ticket-event.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import { AppError, NotFoundError } from '../../errors';
import { factsWriter } from '../../reports/facts-writer';
import type { Services } from '../../services';
import type { CsatLink } from '../csat-token';

export class CsatLinkExpiredError extends AppError {
  constructor() {
    super(410, 'csat_link_expired', 'This rating link has expired.');
  }
}

export const MAX_COMMENT = 2000;
export interface RateInput { score: CsatScoreName; comment?: string }
export type RateOutcome = 'rated' | 'changed' | 'commented' | 'unchanged';

// The survey a verified link names, if it is still answerable (the caller verified the signature).
export async function surveyOfLink(m: EntityManager, now: number, link: CsatLink): Promise<CsatSurvey> {
  const survey = await csatSurveyRepository.findById(m, link.surveyId);
  // Another ticket's number, or a link of a request that was never sent, names no survey.
  if (!survey || survey.ticketId !== link.ticketId || survey.state !== 'sent' || survey.expiresAt !== link.expiresAt) throw new NotFoundError('Survey');
  if (now >= link.expiresAt) throw new CsatLinkExpiredError();
  return survey;
}

// The first answer rates the ticket (one csat fact); answering again with another score changes
// that rating and its fact, never adds a second; the same click twice records nothing new.
export async function rateSurvey(s: Services, link: CsatLink, input: RateInput): Promise<{ survey: CsatSurvey; ticket: Ticket; outcome: RateOutcome }> {
  return s.db.transaction(async (tx) => {
    const m = tx.m;
    const now = s.now();
    const before = await surveyOfLink(m, now, link);
    const ticket = (await ticketRepository.findById(m, before.ticketId))!;
    const score = CSAT_SCORES[input.score];
    const comment = input.comment?.trim() ? input.comment.trim().slice(0, MAX_COMMENT) : null;
    const newComment = comment !== null && comment !== before.comment;
    const actor = { type: 'contact' as const, id: before.contactId };
    let outcome: RateOutcome;
    if (before.score === null) {
      outcome = 'rated';
      await csatSurveyRepository.update(m, before.id, { score, ratedAt: now, updatedAt: now, ...(newComment ? { comment } : {}) });
      await ticketEventRepository.record(m, ticket.id, 'csat.rated', actor, { surveyId: before.id, score, comment: newComment ? comment : null }, now);
      await factsWriter.csatRated(m, ticket, { ...before, score, ratedAt: now });
    } else if (before.score !== score) {
      outcome = 'changed';
      await csatSurveyRepository.update(m, before.id, { score, updatedAt: now, ...(newComment ? { comment } : {}) });
      await ticketEventRepository.record(m, ticket.id, 'csat.changed', actor, { surveyId: before.id, from: before.score, to: score, comment: newComment ? comment : null }, now);
      await csatSurveyRepository.updateFactValue(m, before, await mergeChain(m, ticket), score);
    } else if (newComment) {
      outcome = 'commented';
      await csatSurveyRepository.update(m, before.id, { comment, updatedAt: now });
      await ticketEventRepository.record(m, ticket.id, 'csat.commented', actor, { surveyId: before.id, score, comment }, now);
    } else {
      return { survey: before, ticket, outcome: 'unchanged' as const };
    }
    const after = (await csatSurveyRepository.findById(m, before.id))!;
    tx.emit('csat.received', { ticketId: ticket.id, ratingId: before.id, score, comment: after.comment, previousScore: before.score });
    tx.emit('ticket.updated', { ticketId: ticket.id, changes: ['csat'] });
    return { survey: after, ticket, outcome };
  });
}

// The ticket and those it was merged into: where its facts are filed.
async function mergeChain(m: EntityManager, t: Ticket): Promise<number[]> {
  const ids = [t.id];
  let cur: Ticket | null = t;
  for (let hops = 0; cur?.mergedIntoId && hops < 20; hops++) {
    ids.push(cur.mergedIntoId);
    cur = await ticketRepository.findById(m, cur.mergedIntoId);
  }
  return ids;
}
