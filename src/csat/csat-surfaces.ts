import type { EntityManager } from 'typeorm';
import type { Config } from '../config';
import type { CsatSurvey, Ticket } from '../db/entities';
import { csatSurveyRepository } from '../db/repositories/csat-survey.repository';
import type { Viewer } from '../policies/viewer';
import { SCORE_LABELS, scoreName, surveyLinks, surveyToken } from './csat-links';
import { translate } from '../i18n/i18n';

// Only the person who was asked sees the prompt or their answer; nobody else on a thread
// (a participant, the public of a community question) learns how it was rated.
const askedViewer = (viewer: Viewer, s: CsatSurvey | undefined, now: number): s is CsatSurvey =>
  !!s && viewer.kind === 'contact' && viewer.contactId === s.contactId && s.expiresAt !== null && now < s.expiresAt;

// The rating prompt on the customer's web thread of a solved ticket.
export async function csatPrompt(m: EntityManager, config: Config, viewer: Viewer, t: Ticket, now: number) {
  if (t.status !== 'solved' && t.status !== 'closed') return null;
  const s = (await csatSurveyRepository.latestSentOf(m, [t.id])).get(t.id);
  if (!askedViewer(viewer, s, now)) return null;
  const rated = scoreName(s.score);
  return {
    rated: rated ? SCORE_LABELS[rated] : null,
    ratedName: rated,
    links: surveyLinks({ ...config, publicUrl: '' }, s).map((l) => ({ ...l, selected: l.name === rated })),
    commentHref: `/csat/${surveyToken(config, s)}`,
  };
}

// "Rate us" beside the solved tickets the customer was asked about and has not rated yet.
export async function csatToRate(m: EntityManager, config: Config, viewer: Viewer, ticketIds: number[], now: number): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (const [id, s] of await csatSurveyRepository.latestSentOf(m, ticketIds)) {
    if (askedViewer(viewer, s, now) && s.score === null) out.set(id, `/csat/${surveyToken(config, s)}`);
  }
  return out;
}

// The agent ticket page's side panel: the latest survey of the ticket and its answer (staff only),
// in the agent's `locale` (a skip reason is Chorus's own English explanation).
export async function csatPanel(m: EntityManager, ticketId: number, locale = 'en') {
  const list = await csatSurveyRepository.byTickets(m, [ticketId]);
  const s = list.at(-1);
  if (!s) return null;
  const name = scoreName(s.score);
  const label = name ? translate(locale, `csat.${name}`, { defaultValue: SCORE_LABELS[name] }) : null;
  const state = label ? translate(locale, 'agent.csat.rated', { label }) : s.state === 'sent' ? translate(locale, 'agent.csat.asked') : s.state === 'scheduled' ? translate(locale, 'agent.csat.scheduled') : translate(locale, 'agent.csat.notAsked', { reason: s.skipReason ?? translate(locale, 'agent.csat.skipped') });
  return { state, score: name, label, comment: s.comment, changed: s.updatedAt !== null && s.ratedAt !== null && s.updatedAt > s.ratedAt, count: list.length };
}
