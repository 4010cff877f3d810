import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { RawItem } from '../inbound-message';

// A webhook body (or one event in it) that is signed but not of the platform's documented shape
// still gets a ledger row: it is recorded under this type and fails with the reason, so an
// agent finds it on the failed-ingest list and the platform gets its 200 and stops retrying.
export const MALFORMED_RAW_TYPE = 'social.malformed.v1';

export const hashOf = (v: unknown) => createHash('sha256').update(typeof v === 'string' ? v : JSON.stringify(v) ?? '').digest('hex').slice(0, 40);

export function malformedItem(platform: string, reason: string, payload: unknown): RawItem {
  return { key: `malformed:${platform}:${hashOf(payload)}`, raw: JSON.stringify({ platform, reason, payload }), rawType: MALFORMED_RAW_TYPE };
}

export function parseMalformed(raw: string): never {
  const { platform, reason } = JSON.parse(raw) as { platform: string; reason: string };
  throw new Error(`The ${platform} payload is not of the documented shape: ${reason}`);
}

// The first problems zod found, as one line naming the fields.
export function zodReason(err: z.ZodError): string {
  return err.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

// Validates one event of a webhook body; a bad one becomes a malformed item instead of vanishing.
export function checked<T>(platform: string, schema: z.ZodType<T>, value: unknown, build: (v: T) => RawItem | RawItem[]): RawItem[] {
  const r = schema.safeParse(value);
  if (!r.success) return [malformedItem(platform, zodReason(r.error), value)];
  const out = build(r.data);
  return Array.isArray(out) ? out : [out];
}
