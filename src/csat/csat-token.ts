import { createHmac, timingSafeEqual } from 'node:crypto';

// A rating link names its survey, the survey's ticket and when it expires, signed with the app
// secret: nobody can forge one, stretch its life, or point it at another ticket or survey.
export interface CsatLink { surveyId: number; ticketId: number; expiresAt: number }

export function signCsatToken(secret: string, l: CsatLink): string {
  return `${l.surveyId}-${l.ticketId}-${l.expiresAt.toString(36)}-${mac(secret, l)}`;
}

// The link's claims when the signature holds (expiry is the caller's to judge against its clock).
export function verifyCsatToken(secret: string, token: string): CsatLink | null {
  const m = /^(\d{1,12})-(\d{1,12})-([0-9a-z]{1,12})-([0-9a-f]{32})$/.exec(token.trim());
  if (!m) return null;
  const link = { surveyId: Number(m[1]), ticketId: Number(m[2]), expiresAt: parseInt(m[3], 36) };
  const expected = Buffer.from(mac(secret, link));
  const given = Buffer.from(m[4]);
  return expected.length === given.length && timingSafeEqual(expected, given) ? link : null;
}

function mac(secret: string, l: CsatLink): string {
  return createHmac('sha256', secret).update(`csat:${l.surveyId}:${l.ticketId}:${l.expiresAt}`).digest('hex').slice(0, 32);
}
