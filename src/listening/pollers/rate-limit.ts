import { retryAfterMs } from '../../outbox/retry-after';

// When a platform will take the next call: Retry-After (seconds or HTTP-date) on a 429/503, or
// X's x-rate-limit-remaining: 0 with x-rate-limit-reset (epoch seconds). Undefined: no limit hit.
export function notBeforeOf(res: Response, now: number): number | undefined {
  if (res.status === 429 || res.status === 503) {
    const reset = Number(res.headers.get('x-rate-limit-reset') ?? res.headers.get('ratelimit-reset'));
    if (!res.headers.get('retry-after') && Number.isFinite(reset) && reset > 0) return resetAt(reset, now);
    return now + retryAfterMs(res.headers.get('retry-after'), now, 15 * 60_000);
  }
  if (res.headers.get('x-rate-limit-remaining') === '0') {
    const reset = Number(res.headers.get('x-rate-limit-reset'));
    if (Number.isFinite(reset) && reset > 0) return resetAt(reset, now);
  }
  return undefined;
}

// Reset headers are epoch seconds on X and Mastodon (ISO dates on some Mastodon versions).
function resetAt(v: number, now: number): number {
  const ms = v > 1e12 ? v : v * 1000;
  return Math.max(now, Math.min(ms, now + 86_400_000));
}

export async function refusal(platform: string, what: string, res: Response): Promise<string> {
  const body = await res.text().catch(() => '');
  let reason = '';
  try {
    const j = JSON.parse(body) as { error?: string; detail?: string; title?: string; message?: string };
    reason = j.detail ?? j.error ?? j.message ?? j.title ?? '';
  } catch { /* not JSON */ }
  const why = res.status === 401 || res.status === 403 ? 'refused the access token' : res.status === 429 ? 'is rate-limiting us' : 'answered with an error';
  return `${platform} ${why} (HTTP ${res.status}) on ${what}${reason ? `: ${reason}` : ''}`;
}
