import { z } from 'zod';

// Control characters (C0, DEL, C1) carry no meaning in a search or a filter, and Postgres
// refuses U+0000 in any text parameter; in typed queries they become plain separators.
const CONTROL = /\p{Cc}+/gu;

// Text typed into a search box or a filter: control characters count as spaces, runs of
// whitespace collapse, ends are trimmed. `max` bounds the raw input.
export const queryText = (max: number) =>
  z.string().max(max).transform((v) => v.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim());

// The first string inside a parsed body or query that holds U+0000, as a field path; no store
// keeps such text faithfully (Postgres refuses it, C strings end at it), so it is refused at
// the edge with the field named rather than failing deep inside a write.
export function pathOfNul(value: unknown, path: string[] = []): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path.join('.') || '(root)' : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = pathOfNul(value[i], [...path, String(i)]);
      if (p) return p;
    }
    return null;
  }
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const [k, v] of Object.entries(value)) {
      const p = pathOfNul(v, [...path, k]);
      if (p) return p;
    }
  }
  return null;
}
