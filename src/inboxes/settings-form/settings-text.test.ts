import { hasKey } from '../../i18n/i18n';
import { LOCALES } from '../../i18n/locale';
import { CHANNEL_FIELDS, COMMON_FIELDS, settingsText, settingsTextKey } from './settings-fields';
import { reportText } from '../../reports/report-text';

// Every title, label and help text of every channel's settings form has its words in every
// catalogue, and the English catalogue says exactly what the field definition says.
describe('inbox settings form words', () => {
  const texts = [...new Set([...Object.values(CHANNEL_FIELDS).flat(), ...COMMON_FIELDS].flatMap((g) => [g.title, ...g.fields.flatMap((f) => [f.label, f.help ?? ''])]).filter(Boolean))];

  it('exist in every catalogue', () => {
    expect(texts.length).toBeGreaterThan(50);
    expect(texts.flatMap((x) => LOCALES.filter((l) => !hasKey(l, `admin.settingsText.${settingsTextKey(x)}`)).map((l) => `${l}: ${x}`))).toEqual([]);
  });

  it('read in English as defined, in German as translated', () => {
    expect(texts.filter((x) => settingsText(reportText('en'), x) !== x)).toEqual([]);
    expect(settingsText(reportText('de'), 'IMAP host')).toBe('IMAP-Server');
  });
});
