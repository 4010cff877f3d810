import Handlebars, { type HelperOptions } from 'handlebars';
import { translate } from './i18n';

// Handlebars helpers that read the page's or e-mail's `locale` (set per request by pageLocals,
// per e-mail by its sender; 'en' on agent pages for now).
const localeOf = (o: HelperOptions | undefined) => (o?.data?.root?.locale as string | undefined) ?? 'en';

export const i18nHelpers = {
  // {{t "form.send"}} or {{t "csat." name}} (parts joined) with values as hash: {{t "x" id=1}}.
  t: (...args: unknown[]) => {
    const o = args.pop() as HelperOptions;
    return translate(localeOf(o), args.map(String).join(''), o.hash ?? {});
  },
  // {{th "thread.rated" score=x}}: a translation that carries its own markup (<strong>), so it is
  // not escaped, while every value put into it is.
  th: (...args: unknown[]) => {
    const o = args.pop() as HelperOptions;
    // A numeric `count` stays a number, so i18next still picks the plural form.
    const values = Object.fromEntries(Object.entries(o.hash ?? {}).map(([k, v]) => [k, k === 'count' && typeof v === 'number' ? v : Handlebars.escapeExpression(String(v ?? ''))]));
    return new Handlebars.SafeString(translate(localeOf(o), args.map(String).join(''), values));
  },
  // {{formatDate ms}}: a calendar date in the reader's language ("2. Dezember 2026").
  formatDate: (v: unknown, o: HelperOptions) => {
    const d = new Date(typeof v === 'number' || typeof v === 'string' ? v : NaN);
    return Number.isNaN(d.getTime()) ? '' : new Intl.DateTimeFormat(localeOf(o), { dateStyle: 'long' }).format(d);
  },
  formatNumber: (v: unknown, o: HelperOptions) => new Intl.NumberFormat(localeOf(o)).format(Number(v)),
};
