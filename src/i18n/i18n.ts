import fs from 'node:fs';
import path from 'node:path';
import i18next, { type TFunction } from 'i18next';
import { ROOT } from '../paths';
import { DEFAULT_LOCALE, LOCALES, supportedLocale, type Locale } from './locale';

// The translation catalogues: locales/<lang>.json (customer pages and e-mails) and one file per
// area of the agent app, locales/<lang>/<area>.json, whose keys live under `<area>.`. One i18next instance for the process, loaded at start-up
// (the files are small), so a translation is a synchronous lookup.
export const LOCALES_DIR = path.join(ROOT, 'locales');

export function readCatalogue(locale: Locale): Record<string, unknown> {
  const catalogue: Record<string, unknown> = JSON.parse(fs.readFileSync(path.join(LOCALES_DIR, `${locale}.json`), 'utf8'));
  const areas = path.join(LOCALES_DIR, locale);
  const files = fs.existsSync(areas) ? fs.readdirSync(areas).filter((f) => f.endsWith('.json')).sort() : [];
  for (const file of files) {
    const area = file.slice(0, -'.json'.length);
    if (area in catalogue) throw new Error(`locales/${locale}/${file}: the area "${area}" is also a key of locales/${locale}.json`);
    catalogue[area] = JSON.parse(fs.readFileSync(path.join(areas, file), 'utf8'));
  }
  return catalogue;
}

const instance = i18next.createInstance();
void instance.init({
  resources: Object.fromEntries(LOCALES.map((l) => [l, { translation: readCatalogue(l) }])),
  lng: DEFAULT_LOCALE,
  fallbackLng: DEFAULT_LOCALE,
  supportedLngs: [...LOCALES],
  initAsync: false,
  returnNull: false,
  // Handlebars escapes what the `t` helper returns (and `th` escapes the values itself).
  interpolation: { escapeValue: false },
});

const fixed = new Map<Locale, TFunction>();

export function translator(locale: string | null | undefined): TFunction {
  return fixedT(supportedLocale(locale) ?? DEFAULT_LOCALE);
}

function fixedT(lng: Locale): TFunction {
  let t = fixed.get(lng);
  if (!t) fixed.set(lng, (t = instance.getFixedT(lng)));
  return t;
}

// Translations kept per language, key and values: the catalogues never change while the
// process runs, and one page asks for the same labels (a channel's name, "Select #{{id}}")
// hundreds of times; i18next's lookup, with its fallbacks, nesting and interpolation passes, was
// a sixth of a busy node's CPU. Only calls whose values are all plain strings, numbers or
// booleans are kept (the same call always gives the same text); the store starts afresh when
// full, so values from data cannot grow it without bound.
const kept = new Map<string, string>();
const KEPT_MAX = 20_000;

export function translate(locale: string | null | undefined, key: string, values: Record<string, unknown> = {}): string {
  const lng = supportedLocale(locale) ?? DEFAULT_LOCALE;
  let memo = `${lng}\u0000${key}`;
  for (const k in values) {
    const v = values[k];
    const type = typeof v;
    if (type !== 'string' && type !== 'number' && type !== 'boolean') return fixedT(lng)(key, values) as string;
    memo += `\u0000${k}\u0000${type[0]}${String(v)}`;
  }
  let out = kept.get(memo);
  if (out === undefined) {
    out = fixedT(lng)(key, values) as string;
    if (kept.size >= KEPT_MAX) kept.clear();
    kept.set(memo, out);
  }
  return out;
}

export const hasKey = (locale: Locale, key: string) => instance.exists(key, { lng: locale, fallbackLng: false });

// A catalogue subtree as written (placeholders kept), for a page script that fills them itself.
export const rawStrings = (locale: Locale, key: string): Record<string, unknown> => (instance.getResource(locale, 'translation', key) ?? instance.getResource(DEFAULT_LOCALE, 'translation', key) ?? {}) as Record<string, unknown>;
