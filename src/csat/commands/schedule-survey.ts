import type { EntityManager } from 'typeorm';
import type { Ticket } from '../../db/entities';
import { csatSurveyRepository } from '../../db/repositories/csat-survey.repository';
import { inboxRepository } from '../../db/repositories/inbox.repository';
import { messageRepository } from '../../db/repositories/message.repository';
import { reportSourceRepository } from '../../db/repositories/report-fact.repository';
import { isNoise } from '../../reports/ticket-facts';
import { csatSettingsOf } from '../csat-settings';

// Why a solved ticket is never asked about: it is no conversation with a person who could answer.
export async function surveyIneligible(m: EntityManager, t: Ticket): Promise<string | null> {
  if (t.automatic) return 'automatic mail';
  if (t.mergedIntoId) return 'merged into another ticket';
  const opening = (await messageRepository.listByTicket(m, t.id)).find((x) => x.authorType === 'contact');
  if (!opening) return 'no customer message';
  if (isNoise(opening)) return 'automatic mail';
  if (await reportSourceRepository.isHistoric(m, opening.inboundItemId)) return 'imported history';
  return null;
}

// Every command that solves a ticket calls this in its own transaction: the request exists
// exactly when the solve does, once per solve (unique on ticket and solve time). It goes out
// after the inbox's delay (csat module: at once after the commit, or the cluster job).
export async function scheduleSurvey(m: EntityManager, t: Ticket, solvedAt: number): Promise<number | null> {
  const inbox = await inboxRepository.findById(m, t.inboxId);
  const cfg = csatSettingsOf(inbox);
  if (!cfg) return null;
  if (await surveyIneligible(m, t)) return null;
  if (await csatSurveyRepository.findBySolve(m, t.id, solvedAt)) return null;
  return csatSurveyRepository.insert(m, {
    ticketId: t.id, contactId: t.requesterId, inboxId: t.inboxId, channel: t.channel, agentId: null, solvedAt,
    dueAt: solvedAt + cfg.delayMinutes * 60_000, state: 'scheduled', skipReason: null, via: null, sentAt: null, expiresAt: null,
    score: null, comment: null, ratedAt: null, updatedAt: null, createdAt: solvedAt,
  });
}
