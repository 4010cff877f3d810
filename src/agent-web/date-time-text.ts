import type { HelperOptions } from 'handlebars';

// {{formatDateTime iso}}: a moment on an admin page in the page's language, in UTC as the server
// stores it ("3. Dez. 2026, 07:00 UTC", "Dec 3, 2026, 7:00 AM UTC"); the <time datetime> beside
// it keeps the exact ISO value. Anything that is not a date comes back as it was.
export function dateTimeText(v: unknown, locale = 'en'): string {
  const d = new Date(typeof v === 'number' || typeof v === 'string' ? (typeof v === 'string' && /^\d{4}-\d\d-\d\d \d\d:\d\d$/.test(v) ? `${v.replace(' ', 'T')}:00Z` : v) : NaN);
  if (Number.isNaN(d.getTime())) return v === null || v === undefined ? '' : String(v);
  return `${new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(d)} UTC`;
}

export const formatDateTime = (v: unknown, o: HelperOptions) => dateTimeText(v, (o?.data?.root?.locale as string | undefined) ?? 'en');
