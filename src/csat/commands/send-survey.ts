import type { EntityManager } from 'typeorm';
import type { CsatSurvey, Ticket } from '../../db/entities';
import { contactRepository } from '../../db/repositories/contact.repository';
import { csatSurveyRepository } from '../../db/repositories/csat-survey.repository';
import { inboxRepository } from '../../db/repositories/inbox.repository';
import { messageRepository } from '../../db/repositories/message.repository';
import { outboxRepository } from '../../db/repositories/outbox.repository';
import { ticketEventRepository } from '../../db/repositories/ticket-event.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import { planSocialReply, SOCIAL_CHANNELS } from '../../channels/social/social-outbound';
import type { Services } from '../../services';
import { factsWriter } from '../../reports/facts-writer';
import { csatSettingsOf } from '../csat-settings';
import { surveyLinks } from '../csat-links';
import { surveyIneligible } from './schedule-survey';

// Sends one scheduled survey (or skips it, saying why on the ticket). Safe to call from several
// nodes at once: the survey is claimed with a conditional update before anything is queued.
export async function sendSurvey(s: Services, surveyId: number): Promise<'sent' | 'skipped' | null> {
  const outcome = await s.db.transaction(async (tx) => {
    const m = tx.m;
    const now = s.now();
    if (!(await csatSurveyRepository.claim(m, surveyId, now))) return null;
    const survey = (await csatSurveyRepository.findById(m, surveyId))!;
    const t = await ticketRepository.findById(m, survey.ticketId);
    const reason = await skipReason(m, survey, t, now);
    if (reason || !t) {
      await csatSurveyRepository.update(m, survey.id, { state: 'skipped', skipReason: reason ?? 'the ticket no longer exists', sentAt: null });
      if (t) await ticketEventRepository.record(m, t.id, 'csat.skipped', { type: 'system' }, { surveyId: survey.id, reason }, now);
      return 'skipped' as const;
    }
    const cfg = csatSettingsOf(await inboxRepository.findById(m, t.inboxId))!;
    const agentId = t.assigneeId ?? (await csatSurveyRepository.lastReplyingAgent(m, t.id));
    const sent: CsatSurvey = { ...survey, agentId, state: 'sent', sentAt: now, expiresAt: now + cfg.linkDays * 86_400_000 };
    const via = await queueDeliveries(s, m, t, sent, now);
    await csatSurveyRepository.update(m, survey.id, { agentId, sentAt: now, expiresAt: sent.expiresAt, via: via.join(',') });
    await ticketEventRepository.record(m, t.id, 'csat.requested', { type: 'system' }, { surveyId: survey.id, via, cause: 'ticket solved', solvedAt: survey.solvedAt }, now);
    await factsWriter.csatSent(m, t, sent);
    tx.emit('ticket.updated', { ticketId: t.id, changes: ['csat'] });
    return 'sent' as const;
  });
  return outcome;
}

async function skipReason(m: EntityManager, survey: CsatSurvey, t: Ticket | null, now: number): Promise<string | null> {
  if (!t) return 'the ticket no longer exists';
  const never = await surveyIneligible(m, t);
  if (never) return `not asked: ${never}`;
  if (t.status !== 'solved' && t.status !== 'closed') return 'the ticket was reopened before the survey went out';
  if (t.solvedAt !== null && t.solvedAt !== survey.solvedAt) return 'the ticket was solved again since; that solve is asked about instead';
  const cfg = csatSettingsOf(await inboxRepository.findById(m, t.inboxId));
  if (!cfg) return 'satisfaction surveys were turned off for the inbox';
  if (cfg.perContactHours > 0 && (await csatSurveyRepository.sentToContactSince(m, survey.contactId, now - cfg.perContactHours * 3_600_000, survey.id))) {
    return `the customer was already asked within the last ${cfg.perContactHours} h`;
  }
  return null;
}

// E-mail when we have the requester's address (never to a no-reply one), a message in the same
// conversation on social channels, and always the prompt on their web thread.
async function queueDeliveries(s: Services, m: EntityManager, t: Ticket, survey: CsatSurvey, now: number): Promise<string[]> {
  const via: string[] = [];
  const msgs = await messageRepository.listByTicket(m, t.id);
  const fromRequester = msgs.filter((x) => x.authorType === 'contact' && x.authorContactId === t.requesterId);
  const noReply = fromRequester.some((x) => typeof x.flags?.noReplySender === 'string');
  if (SOCIAL_CHANNELS.includes(t.channel)) {
    const links = surveyLinks(s.config, survey);
    const text = `How did we do with "${t.subject}"? One tap to tell us: ${links.map((l) => `${l.label}: ${l.url}`).join('  ')}`;
    const [plan] = await planSocialReply(m, t, { audience: 'participants' } as never);
    if (plan) {
      await outboxRepository.enqueue(m, { kind: plan.kind, messageId: null, ticketId: t.id, inboxId: t.inboxId, payload: { ...plan.payload, text, csatSurveyId: survey.id } }, now);
      via.push(plan.kind);
    }
  } else if (!noReply) {
    const to = (await contactRepository.identitiesOf(m, [t.requesterId])).find((i) => i.kind === 'email')?.value;
    if (to) {
      const inReplyTo = [...msgs].reverse().find((x) => x.emailMessageId && x.audience !== 'staff')?.emailMessageId ?? null;
      await outboxRepository.enqueue(m, { kind: 'email.csat', messageId: null, ticketId: t.id, inboxId: t.inboxId, payload: { to, surveyId: survey.id, inReplyTo } }, now);
      via.push('email');
    }
  }
  via.push('web');
  return via;
}

// Surveys whose delay has run out (the cluster job), oldest first.
export async function sendDueSurveys(s: Services, now: number, limit = 200): Promise<number> {
  let n = 0;
  for (const sv of await csatSurveyRepository.due(s.db.m, now, limit)) if (await sendSurvey(s, sv.id)) n++;
  return n;
}
