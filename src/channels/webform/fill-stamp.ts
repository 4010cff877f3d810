import { randomBytes } from 'node:crypto';
import { hmacHex } from '../signature';
import { safeEqual } from '../../auth/secrets';

// A signed "this form was served at T" token: proves the minimum fill time without server
// state, and its nonce doubles as the submission id so a double-post makes one ticket.
export function issueStamp(secret: string, slug: string, now: number): string {
  const nonce = randomBytes(12).toString('hex');
  const body = `${now}.${nonce}`;
  return `${body}.${hmacHex(secret, Buffer.from(`webform:${slug}:${body}`))}`;
}

export type StampCheck = { ok: true; nonce: string; servedAt: number } | { ok: false; reason: 'invalid' | 'too_fast' | 'expired' };

export function checkStamp(secret: string, slug: string, stamp: string | undefined, now: number, minFillSeconds: number): StampCheck {
  const m = /^(\d{1,15})\.([0-9a-f]{24})\.([0-9a-f]{64})$/.exec(stamp ?? '');
  if (!m) return { ok: false, reason: 'invalid' };
  const expected = hmacHex(secret, Buffer.from(`webform:${slug}:${m[1]}.${m[2]}`));
  if (!safeEqual(expected, m[3])) return { ok: false, reason: 'invalid' };
  const servedAt = Number(m[1]);
  if (now - servedAt < minFillSeconds * 1000) return { ok: false, reason: 'too_fast' };
  if (now - servedAt > 24 * 3_600_000) return { ok: false, reason: 'expired' };
  return { ok: true, nonce: m[2], servedAt };
}
