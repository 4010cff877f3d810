import { DateTime } from 'luxon';

// Business-time arithmetic over a calendar: weekly hours in an IANA time zone, minus holidays.
// Pure functions on epoch milliseconds; a `null` calendar means "always open" (wall time), so
// callers without a calendar need no branch of their own.

export const DAY_KEYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type DayKey = (typeof DAY_KEYS)[number];

// Local wall-clock times "HH:MM"; `to` may be "24:00". A `to` at or before `from` runs past
// midnight into the next day (22:00–06:00). An interval belongs to the day it starts on.
export interface BusinessInterval { from: string; to: string }

// A holiday closes its whole (local) date, or — with `open` — replaces that date's weekly hours
// (a half day: open 09:00–12:00). It governs the intervals that start on that date.
export interface Holiday { date: string; name?: string; open?: BusinessInterval[] }

export interface BusinessCalendar {
  timeZone: string;
  weekly: Partial<Record<DayKey, BusinessInterval[]>>;
  holidays: Holiday[];
}

const DAY_MS = 86_400_000;
// How far ahead addBusinessMs looks before deciding a calendar never opens again.
const MAX_SEARCH_DAYS = 3 * 366;

export function parseClock(s: string): number | null {
  const m = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(s);
  if (!m) return null;
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  return minutes <= 24 * 60 ? minutes : null;
}

interface Compiled {
  zone: string;
  weekly: Array<Array<[number, number]>>; // index 0 = Monday; [fromMinute, toMinute] (to > from, may exceed 1440)
  holidays: Map<string, Array<[number, number]>>;
  // Absolute spans per local day number (days since 1970-01-01 in the calendar's zone): luxon
  // zone arithmetic is the slow part, and a sweep asks about the same few days again and again.
  days: Map<number, Array<[number, number]>>;
}

const compiledCache = new WeakMap<BusinessCalendar, Compiled>();
const DAY_CACHE_LIMIT = 4096;

function compileIntervals(list: BusinessInterval[] | undefined): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const iv of list ?? []) {
    const from = parseClock(iv.from);
    const to = parseClock(iv.to);
    if (from === null || to === null) throw new RangeError(`bad business hours interval ${iv.from}–${iv.to}`);
    if (from === 24 * 60) continue;
    out.push([from, to > from ? to : to + 24 * 60]);
  }
  return out;
}

function compile(cal: BusinessCalendar): Compiled {
  const hit = compiledCache.get(cal);
  if (hit) return hit;
  if (!DateTime.now().setZone(cal.timeZone).isValid) throw new RangeError(`unknown time zone ${cal.timeZone}`);
  const c: Compiled = {
    zone: cal.timeZone,
    weekly: DAY_KEYS.map((d) => compileIntervals(cal.weekly[d])),
    holidays: new Map((cal.holidays ?? []).map((h) => [h.date, compileIntervals(h.open)])),
    days: new Map(),
  };
  compiledCache.set(cal, c);
  return c;
}

function localDayNumber(c: Compiled, ms: number): number {
  const d = DateTime.fromMillis(ms, { zone: c.zone });
  return Math.floor(Date.UTC(d.year, d.month - 1, d.day) / DAY_MS);
}

// Wall-clock `minutes` past local midnight of day `n` (minutes ≥ 1440 fall on the next day).
// Local times in a DST gap move forward (luxon's rule), so a span never has negative length.
function localAt(c: Compiled, n: number, minutes: number): number {
  const d = new Date((n + Math.floor(minutes / 1440)) * DAY_MS);
  const rest = minutes % 1440;
  return DateTime.fromObject(
    { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: Math.floor(rest / 60), minute: rest % 60 },
    { zone: c.zone },
  ).toMillis();
}

// Absolute [start, end) spans of the intervals that start on local day `n`.
function spansOfDay(c: Compiled, n: number): Array<[number, number]> {
  const cached = c.days.get(n);
  if (cached) return cached;
  const d = new Date(n * DAY_MS);
  const intervals = c.holidays.get(d.toISOString().slice(0, 10)) ?? c.weekly[(d.getUTCDay() + 6) % 7];
  const out: Array<[number, number]> = [];
  for (const [from, to] of intervals) {
    const start = localAt(c, n, from);
    const end = localAt(c, n, to);
    if (end > start) out.push([start, end]);
  }
  if (c.days.size >= DAY_CACHE_LIMIT) c.days.clear();
  c.days.set(n, out);
  return out;
}

// Merged open spans of `days` local days from the day of `fromMs` (starting one day early so
// the overnight interval of the day before is included).
function openSpans(c: Compiled, fromMs: number, days: number): Array<[number, number]> {
  const first = localDayNumber(c, fromMs) - 1;
  const all: Array<[number, number]> = [];
  for (let i = 0; i <= days + 1; i++) all.push(...spansOfDay(c, first + i));
  all.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const s of all) {
    const last = merged[merged.length - 1];
    if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else merged.push([s[0], s[1]]);
  }
  return merged;
}

/** Open spans overlapping [fromMs, toMs), clipped to it. */
export function businessSpans(cal: BusinessCalendar | null, fromMs: number, toMs: number): Array<[number, number]> {
  if (toMs <= fromMs) return [];
  if (!cal) return [[fromMs, toMs]];
  const c = compile(cal);
  const days = Math.ceil((toMs - fromMs) / DAY_MS) + 1;
  const out: Array<[number, number]> = [];
  for (const [s, e] of openSpans(c, fromMs, days)) {
    const a = Math.max(s, fromMs);
    const b = Math.min(e, toMs);
    if (b > a) out.push([a, b]);
  }
  return out;
}

/** Business milliseconds in [fromMs, toMs); 0 when toMs ≤ fromMs. */
export function businessMsBetween(cal: BusinessCalendar | null, fromMs: number, toMs: number): number {
  let sum = 0;
  for (const [a, b] of businessSpans(cal, fromMs, toMs)) sum += b - a;
  return sum;
}

/**
 * The instant at which `ms` business milliseconds have passed since `fromMs` (a due time).
 * Started outside hours, the clock starts at the next opening. A target that ends exactly at a
 * closing time is due at that closing time, not at the next opening.
 * Throws RangeError when the calendar has no open time in the next three years.
 */
export function addBusinessMs(cal: BusinessCalendar | null, fromMs: number, ms: number): number {
  if (ms <= 0) return fromMs;
  if (!cal) return fromMs + ms;
  const c = compile(cal);
  let left = ms;
  let cursor = fromMs;
  // Walk a week, then four at a time, so short targets stay cheap and long ones still finish.
  for (let scanned = 0, step = 7; scanned < MAX_SEARCH_DAYS; scanned += step, step = 28) {
    const windowEnd = localAt(c, localDayNumber(c, cursor) + step, 0);
    for (const [s, e] of openSpans(c, cursor, step)) {
      if (e <= cursor) continue;
      const start = Math.max(s, cursor);
      if (left <= e - start) return start + left;
      left -= e - start;
      cursor = e;
    }
    cursor = Math.max(cursor, windowEnd);
  }
  throw new RangeError('business calendar has no open hours ahead');
}

/** Whether `ms` falls inside an open span (start inclusive, end exclusive). */
export function isWithinBusinessHours(cal: BusinessCalendar | null, ms: number): boolean {
  if (!cal) return true;
  return openSpans(compile(cal), ms, 1).some(([s, e]) => s <= ms && ms < e);
}
