import { relativeTime } from './relative-time';

describe('relativeTime', () => {
  const now = Date.parse('2026-03-10T12:00:00Z');
  const ago = (s: number) => now - s * 1000;

  it('words past and future times with Intl.RelativeTimeFormat, never "now ago"', () => {
    expect(relativeTime(ago(10), now)).toBe('now');
    expect(relativeTime(ago(5 * 60), now)).toBe('5 minutes ago');
    expect(relativeTime(ago(3 * 3600), now)).toBe('3 hours ago');
    expect(relativeTime(ago(86400), now)).toBe('yesterday');
    expect(relativeTime(ago(40 * 86400), now)).toBe('last month');
    expect(relativeTime(ago(3 * 365 * 86400), now)).toBe('3 years ago');
    expect(relativeTime(now + 2 * 3600 * 1000, now)).toBe('in 2 hours');
    for (const s of [0, 30, 59, 61, 3599, 86399, 86401]) expect(relativeTime(ago(s), now)).not.toMatch(/now ago|ago ago/);
  });

  it('has a compact form for dense lists, takes ISO strings, and says so when the time is unknown', () => {
    expect(relativeTime(new Date(ago(5 * 60)).toISOString(), now, { style: 'narrow' })).toBe('5m ago');
    expect(relativeTime(ago(3 * 3600), now, { style: 'narrow' })).toBe('3h ago');
    expect(relativeTime(null, now)).toBe('at an unknown time');
    expect(relativeTime('not a date', now)).toBe('at an unknown time');
  });

  it('speaks the locale it is given', () => {
    expect(relativeTime(ago(5 * 60), now, { locale: 'de' })).toBe('vor 5 Minuten');
  });
});
