import { createHmac, timingSafeEqual } from 'node:crypto';

// HMAC-SHA256 over the raw bytes, compared in constant time. `given` may carry a "sha256=" prefix.
export function hmacHex(secret: string, raw: Buffer): string {
  return createHmac('sha256', secret).update(raw).digest('hex');
}

export function verifyHmacHex(secret: string, raw: Buffer, given: string | undefined): boolean {
  if (!given) return false;
  const hex = given.trim().replace(/^sha256=/i, '');
  if (!/^[0-9a-f]{64}$/i.test(hex)) return false;
  const expected = Buffer.from(hmacHex(secret, raw), 'hex');
  return timingSafeEqual(expected, Buffer.from(hex, 'hex'));
}
