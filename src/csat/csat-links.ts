import type { Config } from '../config';
import { CSAT_SCORES, type CsatScoreName, type CsatSurvey } from '../db/entities';
import { signCsatToken } from './csat-token';

export const SCORE_LABELS: Record<CsatScoreName, string> = { good: 'Good', okay: 'Okay', bad: 'Bad' };
export const SCORE_NAMES = Object.keys(CSAT_SCORES) as CsatScoreName[];

export function scoreName(score: number | null): CsatScoreName | null {
  return SCORE_NAMES.find((n) => CSAT_SCORES[n] === score) ?? null;
}

export function surveyToken(config: Pick<Config, 'secret'>, s: Pick<CsatSurvey, 'id' | 'ticketId' | 'expiresAt'>): string {
  return signCsatToken(config.secret, { surveyId: s.id, ticketId: s.ticketId, expiresAt: s.expiresAt! });
}

// The one-click links of a sent survey, best first.
export function surveyLinks(config: Pick<Config, 'secret' | 'publicUrl'>, s: Pick<CsatSurvey, 'id' | 'ticketId' | 'expiresAt'>) {
  const base = `${config.publicUrl}/csat/${surveyToken(config, s)}`;
  return SCORE_NAMES.map((name) => ({ name, label: SCORE_LABELS[name], url: `${base}?score=${name}` }));
}
