import fs from 'node:fs';
import path from 'node:path';
import i18next, { type TFunction } from 'i18next';
import { ROOT } from '../paths';
import { DEFAULT_LOCALE, LOCALES, supportedLocale, type Locale } from './locale';

// The translation catalogues (locales/<lang>.json): customer pages and e-mails read every word
// from here, and agent pages can too. One i18next instance for the process, loaded at start-up
// (the files are small), so a translation is a synchronous lookup.
export const LOCALES_DIR = path.join(ROOT, 'locales');

export function readCatalogue(locale: Locale): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(LOCALES_DIR, `${locale}.json`), 'utf8'));
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
