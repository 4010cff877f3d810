import { isPlausibleTime } from '../../ingest/steps/020-parse';

// Platforms document their times loosely (Meta sends epoch ms in one event and seconds as a
// string in another; some clients send ISO strings). Every platform time passes here: a usable
// time comes back in epoch ms, anything else becomes the receive time with a note on the message.
export function platformTime(value: unknown, now = Date.now()): { receivedAt?: number; timeNote?: string } {
  if (value === undefined || value === null || value === '') return {};
  const ms = toEpochMs(value);
  if (ms !== null && isPlausibleTime(ms, now)) return { receivedAt: ms };
  return { timeNote: `the platform's time ${JSON.stringify(value).slice(0, 60)} is not a valid time; the receive time is shown` };
}

function toEpochMs(value: unknown): number | null {
  if (typeof value === 'number' || (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim()))) {
    const n = Number(value);
    if (!Number.isFinite(n)) return null;
    // Ten digits are seconds (until 2286), thirteen are milliseconds.
    return Math.round(n < 1e11 ? n * 1000 : n);
  }
  if (typeof value === 'string') {
    const t = Date.parse(value);
    return Number.isNaN(t) ? null : t;
  }
  return null;
}
