// Retry-After is either delay-seconds or an HTTP-date (RFC 9110 §10.2.3). Returns the wait in
// ms, or the fallback when the header is missing or unreadable (never NaN, never negative).
// Capped at a day, so a wild value cannot park a reply for ever.
export function retryAfterMs(header: string | null | undefined, now: number, fallbackMs: number): number {
  const v = header?.trim();
  if (!v) return fallbackMs;
  if (/^\d+$/.test(v)) return Math.min(Number(v) * 1000, DAY_MS);
  // Every HTTP-date form starts with the day's name; anything else ('-5', '1.5') is not a date,
  // however leniently Date.parse might read it.
  const at = /^[A-Za-z]{3}/.test(v) ? Date.parse(v) : NaN;
  if (Number.isNaN(at)) return fallbackMs;
  return Math.min(Math.max(0, at - now), DAY_MS);
}

const DAY_MS = 86_400_000;
