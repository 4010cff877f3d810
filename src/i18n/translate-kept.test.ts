import i18next from 'i18next';
import { readCatalogue, translate } from './i18n';
import { LOCALES } from './locale';

// translate() keeps what it computed; kept or not, every answer must be i18next's own.
const reference = i18next.createInstance();
void reference.init({
  resources: Object.fromEntries(LOCALES.map((l) => [l, { translation: readCatalogue(l) }])),
  lng: 'en', fallbackLng: 'en', supportedLngs: [...LOCALES], initAsync: false, returnNull: false,
  interpolation: { escapeValue: false },
});

function leafKeys(o: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' ? leafKeys(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k.replace(/_(zero|one|two|few|many|other)$/, '')}`]));
}

describe('translate, with what it keeps', () => {
  it('gives i18next’s own text for every key of every language, asked once and again', () => {
    const keys = [...new Set(leafKeys(readCatalogue('en')))];
    expect(keys.length).toBeGreaterThan(100);
    for (const lng of LOCALES) {
      const t = reference.getFixedT(lng);
      for (const key of keys) {
        for (const values of [{}, { count: 1, n: 1, id: 7, name: 'Ada' }, { count: 5, n: 5, id: 8, name: 'Grace' }]) {
          const want = t(key, values);
          expect({ lng, key, values, got: translate(lng, key, values) }).toEqual({ lng, key, values, got: want });
          expect({ lng, key, values, got: translate(lng, key, values) }).toEqual({ lng, key, values, got: want });
        }
      }
    }
  });

  it('keeps languages, values and their types apart', () => {
    const key = 'agent.row.select';
    expect(translate('en', key, { id: 1 })).not.toEqual(translate('en', key, { id: 2 }));
    expect(translate('de', key, { id: 1 })).toEqual(reference.getFixedT('de')(key, { id: 1 }));
    expect(translate('en', 'no.such.key', { defaultValue: 'Fallback A' })).toBe('Fallback A');
    expect(translate('en', 'no.such.key', { defaultValue: 'Fallback B' })).toBe('Fallback B');
    // A value that is not a plain string, number or boolean is never kept (nor mistaken for one).
    expect(translate('en', key, { id: { toString: () => '3' } })).toEqual(reference.getFixedT('en')(key, { id: { toString: () => '3' } }));
    expect(translate('en', key, { id: '4' })).toEqual(reference.getFixedT('en')(key, { id: '4' }));
  });
});
