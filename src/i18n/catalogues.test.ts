import { readCatalogue } from './i18n';
import { fromAcceptLanguage, LOCALES } from './locale';

// Every key of every catalogue, as dotted paths (plural forms collapse to their base key, since
// languages have different plural forms).
function keysOf(o: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' ? keysOf(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k.replace(/_(zero|one|two|few|many|other)$/, '')}`]));
}

describe('translation catalogues', () => {
  it('have the same keys in every language, none empty, with the same placeholders', () => {
    const [base, ...rest] = LOCALES.map((l) => ({ l, c: readCatalogue(l) }));
    const baseKeys = [...new Set(keysOf(base.c))].sort();
    expect(baseKeys.length).toBeGreaterThan(40);
    const flat = (o: Record<string, unknown>, prefix = ''): [string, string][] => Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' ? flat(v as Record<string, unknown>, `${prefix}${k}.`) : [[`${prefix}${k}`, String(v)] as [string, string]]));
    const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1]).sort();
    const byKey = (c: Record<string, unknown>) => new Map(flat(c).map(([k, v]) => [k.replace(/_(zero|one|two|few|many|other)$/, ''), v]));
    const baseValues = byKey(base.c);
    for (const { l, c } of rest) {
      expect({ l, keys: [...new Set(keysOf(c))].sort() }).toEqual({ l, keys: baseKeys });
      for (const [k, v] of byKey(c)) {
        expect({ l, k, empty: !v.trim() }).toEqual({ l, k, empty: false });
        expect({ l, k, p: placeholders(v) }).toEqual({ l, k, p: placeholders(baseValues.get(k)!) });
      }
    }
  });

  it('picks a language we have from Accept-Language by q-value', () => {
    expect(fromAcceptLanguage('de-DE,de;q=0.9,en;q=0.8')).toBe('de');
    expect(fromAcceptLanguage('fr-FR,fr;q=0.9,de;q=0.5,en;q=0.4')).toBe('de');
    expect(fromAcceptLanguage('en;q=0.3, de-AT')).toBe('de');
    expect(fromAcceptLanguage('fr, es')).toBeNull();
    expect(fromAcceptLanguage('de;q=0, en')).toBe('en');
    expect(fromAcceptLanguage(undefined)).toBeNull();
  });
});
