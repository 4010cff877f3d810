import { CHANNEL_KINDS, PRIORITIES, type SlaPolicy } from '../../db/entities';
import { DAY_KEYS, type BusinessInterval, type Holiday } from '../business-time';
import type { BusinessCalendarRow } from '../../db/entities';

// The admin pages post plain HTML forms; these turn their fields into the inputs the commands
// validate (and back), so a page and the JSON API accept and reject exactly the same things.
type Form = Record<string, string | string[] | undefined>;
export type FieldErrors = Record<string, string>;

const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]).map((x) => x.trim()).filter(Boolean);
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[v.length - 1] : v ?? '').trim();

function wholeNumber(form: Form, field: string, errors: FieldErrors, what: string): number | null | undefined {
  const raw = one(form[field]);
  if (raw === '') return null;
  if (!/^\d+$/.test(raw)) {
    errors[field] = `${what} must be a whole number.`;
    return undefined;
  }
  return Number(raw);
}

export function policyFromForm(form: Form): { input: Record<string, unknown>; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const minReach = wholeNumber(form, 'minReach', errors, 'Reach');
  const position = wholeNumber(form, 'position', errors, 'The position');
  const conditions: Record<string, unknown> = {};
  const inboxIds = list(form.inboxIds).map(Number).filter((n) => Number.isInteger(n) && n > 0);
  if (inboxIds.length) conditions.inboxIds = inboxIds;
  if (list(form.channels).length) conditions.channels = list(form.channels);
  if (list(form.priorities).length) conditions.priorities = list(form.priorities);
  const tags = one(form.tags).split(',').map((x) => x.trim()).filter(Boolean);
  if (tags.length) conditions.tags = tags;
  if (typeof minReach === 'number') conditions.minReach = minReach;
  const visibility = one(form.visibility);
  if (visibility) conditions.visibility = visibility;
  const input = {
    name: one(form.name), enabled: one(form.enabled) === '1', conditions,
    ...(typeof position === 'number' ? { position } : {}),
    firstResponseMinutes: wholeNumber(form, 'firstResponseMinutes', errors, 'The first-response target'),
    nextResponseMinutes: wholeNumber(form, 'nextResponseMinutes', errors, 'The next-response target'),
    resolutionMinutes: wholeNumber(form, 'resolutionMinutes', errors, 'The resolution target'),
    warnBeforeMinutes: wholeNumber(form, 'warnBeforeMinutes', errors, 'The warning') ?? 0,
    businessHours: one(form.businessHours) === '1',
  };
  return { input, errors };
}

// Validation paths of the policy input → the form field showing the message.
export const policyField = (path: string) => path.replace(/^conditions\./, '').replace(/\..*$/, '');

export function policyFormValues(p: SlaPolicy | null, inboxes: { id: number; name: string }[]) {
  const c = p?.conditions ?? {};
  return {
    id: p?.id, name: p?.name ?? '', enabled: p ? p.enabled : true, position: p?.position ?? '', businessHours: p ? p.businessHours : true,
    firstResponseMinutes: p?.firstResponseMinutes ?? '', nextResponseMinutes: p?.nextResponseMinutes ?? '', resolutionMinutes: p?.resolutionMinutes ?? '',
    warnBeforeMinutes: p?.warnBeforeMinutes ?? 0, tags: (c.tags ?? []).join(', '), minReach: c.minReach ?? '', visibility: c.visibility ?? '',
    inboxes: inboxes.map((i) => ({ id: i.id, name: i.name, checked: !!c.inboxIds?.includes(i.id) })),
    channels: [...CHANNEL_KINDS, 'community'].map((ch) => ({ value: ch, checked: !!c.channels?.includes(ch) })),
    priorities: PRIORITIES.map((pr) => ({ value: pr, checked: !!c.priorities?.includes(pr) })),
    visibilities: [{ value: '', label: 'any' }, { value: 'public', label: 'public' }, { value: 'private', label: 'private' }].map((v) => ({ ...v, selected: v.value === (c.visibility ?? '') })),
  };
}

// "09:00-12:00, 13:00-17:00" → intervals; a malformed piece is kept as typed so the schema
// names it (weekly.mon.0.from).
function intervals(text: string): BusinessInterval[] {
  return text.split(',').map((x) => x.trim()).filter(Boolean).map((piece) => {
    const [from, to] = piece.split(/\s*[-–]\s*/);
    return { from: from ?? '', to: to ?? '' };
  });
}
const showIntervals = (l: BusinessInterval[] | undefined) => (l ?? []).map((i) => `${i.from}-${i.to}`).join(', ');

// One holiday a line: "2026-12-24 09:00-12:00 Christmas Eve" (open those hours) or "2026-12-25 Christmas Day".
function holidays(text: string): Holiday[] {
  return text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).map((line) => {
    const m = /^(\S+)\s*((?:\d{1,2}:\d{2}\s*[-–]\s*\d{1,2}:\d{2}\s*,?\s*)*)(.*)$/.exec(line)!;
    const h: Holiday = { date: m[1] };
    if (m[2].trim()) h.open = intervals(m[2]);
    if (m[3].trim()) h.name = m[3].trim();
    return h;
  });
}
const showHolidays = (l: Holiday[]) => l.map((h) => [h.date, h.open ? showIntervals(h.open) : '', h.name ?? ''].filter(Boolean).join(' ')).join('\n');

export function calendarFromForm(form: Form): Record<string, unknown> {
  const weekly: Record<string, BusinessInterval[]> = {};
  for (const d of DAY_KEYS) {
    const l = intervals(one(form[`hours_${d}`]));
    if (l.length) weekly[d] = l;
  }
  return { name: one(form.name), timeZone: one(form.timeZone), weekly, holidays: holidays(one(form.holidays)) };
}

// weekly.mon.0.from → hours_mon; holidays.3.date → holidays.
export const calendarField = (path: string) => {
  const m = /^weekly\.(\w+)/.exec(path);
  if (m) return `hours_${m[1]}`;
  return path.replace(/\..*$/, '');
};

const DAY_NAMES: Record<string, string> = { mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday', sun: 'Sunday' };
export function calendarFormValues(c: Pick<BusinessCalendarRow, 'name' | 'timeZone' | 'weekly' | 'holidays'> & { id?: number } | null, raw?: Form) {
  return {
    id: c?.id, name: raw ? one(raw.name) : c?.name ?? '', timeZone: raw ? one(raw.timeZone) : c?.timeZone ?? 'Europe/Berlin',
    days: DAY_KEYS.map((d) => ({ key: d, label: DAY_NAMES[d], field: `hours_${d}`, value: raw ? one(raw[`hours_${d}`]) : showIntervals(c?.weekly?.[d]) })),
    holidays: raw ? one(raw.holidays) : showHolidays(c?.holidays ?? []),
  };
}
