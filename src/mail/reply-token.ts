import { createHmac, timingSafeEqual } from 'node:crypto';

// A reply address names its ticket with a signed token (support+t1042-9f2c…@acme.example), so a
// reply threads even when the mail client dropped every header, and nobody can forge one
// to drop mail into someone else's ticket.
export function signReplyToken(secret: string, ticketId: number): string {
  return `t${ticketId}-${mac(secret, ticketId)}`;
}

export function verifyReplyToken(secret: string, token: string): number | null {
  const m = /^t(\d+)-([0-9a-f]{16})$/i.exec(token.trim());
  if (!m) return null;
  const id = Number(m[1]);
  const expected = Buffer.from(mac(secret, id));
  const given = Buffer.from(m[2].toLowerCase());
  return expected.length === given.length && timingSafeEqual(expected, given) ? id : null;
}

function mac(secret: string, ticketId: number): string {
  return createHmac('sha256', secret).update(`reply:${ticketId}`).digest('hex').slice(0, 16);
}
