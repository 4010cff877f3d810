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

export function translator(locale: string | null | undefined): TFunction {
  return instance.getFixedT(supportedLocale(locale) ?? DEFAULT_LOCALE);
}

export function translate(locale: string | null | undefined, key: string, values: Record<string, unknown> = {}): string {
  return translator(locale)(key, values) as string;
}

export const hasKey = (locale: Locale, key: string) => instance.exists(key, { lng: locale, fallbackLng: false });

// A catalogue subtree as written (placeholders kept), for a page script that fills them itself.
export const rawStrings = (locale: Locale, key: string): Record<string, unknown> => (instance.getResource(locale, 'translation', key) ?? instance.getResource(DEFAULT_LOCALE, 'translation', key) ?? {}) as Record<string, unknown>;
