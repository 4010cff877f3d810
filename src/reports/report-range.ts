import { z } from 'zod';
import { ValidationError } from '../errors';

// A report's period: local days in the viewer's time zone, so "today" and each day's bucket
// start at local midnight (DST days are 23 or 25 hours long), and the period just before it.
export const PRESETS = ['today', '7', '30', '90', 'custom'] as const;
export type Preset = (typeof PRESETS)[number];
const MAX_DAYS = 366;

export interface Day { date: string; start: number; end: number }
export interface Period { from: number; to: number; days: Day[] }
export interface ReportRange { preset: Preset; tz: string; current: Period; previous: Period; fromDate: string; toDate: string }

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const formats = new Map<string, Intl.DateTimeFormat>();
function fmt(tz: string): Intl.DateTimeFormat {
  let f = formats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formats.set(tz, f);
  }
  return f;
}

function wallClock(at: number, tz: string): { y: number; m: number; d: number; h: number; mi: number; s: number } {
  const p = Object.fromEntries(fmt(tz).formatToParts(new Date(at)).map((x) => [x.type, x.value]));
  return { y: +p.year, m: +p.month, d: +p.day, h: +p.hour % 24, mi: +p.minute, s: +p.second };
}

// How far the zone's wall clock is ahead of UTC at this instant.
function offsetAt(at: number, tz: string): number {
  const w = wallClock(at, tz);
  return Date.UTC(w.y, w.m - 1, w.d, w.h, w.mi, w.s) - Math.floor(at / 1000) * 1000;
}

// The instant the zone's clock shows 00:00 on that date (y, m 1-12, d may overflow).
export function localMidnight(y: number, m: number, d: number, tz: string): number {
  const guess = Date.UTC(y, m - 1, d);
  const first = guess - offsetAt(guess, tz);
  return guess - offsetAt(first, tz);
}

export function localDate(at: number, tz: string): string {
  const w = wallClock(at, tz);
  return isoDate(w.y, w.m, w.d);
}

const isoDate = (y: number, m: number, d: number) => {
  const t = new Date(Date.UTC(y, m - 1, d));
  return `${t.getUTCFullYear()}-${String(t.getUTCMonth() + 1).padStart(2, '0')}-${String(t.getUTCDate()).padStart(2, '0')}`;
};
const parts = (date: string) => date.split('-').map(Number) as [number, number, number];

function period(firstDate: string, count: number, tz: string): Period {
  const [y, m, d] = parts(firstDate);
  const days: Day[] = [];
  for (let i = 0; i < count; i++) days.push({ date: isoDate(y, m, d + i), start: localMidnight(y, m, d + i, tz), end: localMidnight(y, m, d + i + 1, tz) });
  return { from: days[0].start, to: days[days.length - 1].end, days };
}

const dayCount = (from: string, to: string) => {
  const [a, b, c] = parts(from);
  const [x, y, z] = parts(to);
  return Math.round((Date.UTC(x, y - 1, z) - Date.UTC(a, b - 1, c)) / 86_400_000) + 1;
};

export function resolveRange(q: { range: Preset; from?: string; to?: string; tz: string }, now: number): ReportRange {
  let fromDate: string;
  let toDate: string;
  if (q.range === 'custom') {
    if (!q.from || !q.to) throw new ValidationError('A custom range needs both from and to (YYYY-MM-DD).', { fields: { from: ['Required for a custom range.'] } });
    fromDate = q.from;
    toDate = q.to;
  } else {
    toDate = localDate(now, q.tz);
    const [y, m, d] = parts(toDate);
    fromDate = isoDate(y, m, d - (q.range === 'today' ? 0 : Number(q.range) - 1));
  }
  const count = dayCount(fromDate, toDate);
  if (count < 1) throw new ValidationError('The range ends before it starts.', { fields: { to: ['Must be on or after from.'] } });
  if (count > MAX_DAYS) throw new ValidationError(`A report covers at most ${MAX_DAYS} days.`, { fields: { from: [`At most ${MAX_DAYS} days.`] } });
  const [y, m, d] = parts(fromDate);
  return { preset: q.range, tz: q.tz, fromDate, toDate, current: period(fromDate, count, q.tz), previous: period(isoDate(y, m, d - count), count, q.tz) };
}

const blank = (v: unknown) => (v === '' ? undefined : v);
const date = z.preprocess(blank, z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Use YYYY-MM-DD.').refine((s) => isoDate(...parts(s)) === s, 'Not a calendar date.').optional());
const id = z.preprocess(blank, z.coerce.number().int().positive().optional());

// The query every report page, JSON and CSV route takes; empty form fields mean "all".
export const reportQuerySchema = z.object({
  range: z.preprocess(blank, z.enum(PRESETS).default('7')),
  from: date,
  to: date,
  tz: z.preprocess(blank, z.string().max(64).refine(isTimeZone, 'Not an IANA time zone name (e.g. Europe/Berlin).').default('UTC')),
  channel: z.preprocess(blank, z.string().max(32).regex(/^[a-z]+$/, 'Not a channel name.').optional()),
  inbox: id,
  team: id,
  agent: id,
  tag: z.preprocess(blank, z.string().max(100).optional()),
});
export type ReportQuery = z.infer<typeof reportQuerySchema>;

export interface ReportFilters { channel?: string; inboxId?: number; teamId?: number; agentId?: number; tag?: string }
export const filtersOf = (q: ReportQuery): ReportFilters => ({ channel: q.channel, inboxId: q.inbox, teamId: q.team, agentId: q.agent, tag: q.tag });
