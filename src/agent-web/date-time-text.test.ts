import { dateTimeText } from './date-time-text';

describe('dateTimeText', () => {
  it('writes a moment in the reader’s language, in UTC', () => {
    expect(dateTimeText('2026-12-03T07:05:00.000Z', 'de')).toBe('03.12.2026, 07:05 UTC');
    expect(dateTimeText('2026-12-03T07:05:00.000Z', 'en')).toBe('Dec 3, 2026, 7:05 AM UTC');
    // The dry run's "YYYY-MM-DD HH:MM" (UTC) reads the same way.
    expect(dateTimeText('2026-12-03 07:05', 'de')).toBe('03.12.2026, 07:05 UTC');
  });
  it('gives back what is not a date', () => {
    expect(dateTimeText(null, 'de')).toBe('');
    expect(dateTimeText('soon', 'de')).toBe('soon');
  });
});
