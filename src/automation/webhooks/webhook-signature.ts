import { createHmac, timingSafeEqual } from 'node:crypto';

// Every delivery carries
//   X-Chorus-Webhook-Id         the delivery id (the same on every retry: drop repeats by it)
//   X-Chorus-Webhook-Timestamp  Unix seconds when this attempt was signed
//   X-Chorus-Webhook-Signature  v1=<hex HMAC-SHA256 with the webhook's secret of "<timestamp>.<raw body>">
// Signing the timestamp with the body lets a receiver refuse old captures replayed later.
export function signWebhook(secret: string, timestamp: number, body: Buffer | string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

// What a receiver does (and what the tests do): recompute, compare in constant time, and refuse
// a timestamp further than `toleranceSec` from its own clock.
export function verifyWebhook(secret: string, headers: { timestamp?: string | null; signature?: string | null }, body: Buffer | string, nowMs: number, toleranceSec = 300): boolean {
  const ts = Number(headers.timestamp);
  if (!Number.isInteger(ts) || Math.abs(nowMs / 1000 - ts) > toleranceSec) return false;
  const given = (headers.signature ?? '').split(',').map((p) => p.trim()).find((p) => p.startsWith('v1='));
  if (!given) return false;
  const a = Buffer.from(signWebhook(secret, ts, body));
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
