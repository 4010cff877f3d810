import { retryAfterMs } from './retry-after';

describe('Retry-After', () => {
  const now = Date.UTC(2026, 11, 2, 8, 0, 0);
  it.each([
    ['120', 120_000],
    [' 5 ', 5_000],
    ['0', 0],
    ['Wed, 02 Dec 2026 08:01:30 GMT', 90_000], // HTTP-date, IMF-fixdate form
    ['Wednesday, 02-Dec-26 08:00:10 GMT', 10_000], // obsolete RFC 850 form
    ['Wed, 02 Dec 2026 07:00:00 GMT', 0], // already past: retry now
    ['99999999', 86_400_000], // capped at a day
  ])('reads %j', (header, expected) => {
    expect(retryAfterMs(header, now, 30_000)).toBe(expected);
  });
  it.each([[null], [undefined], [''], ['soon'], ['Someday, 99 Foo 2026'], ['-5'], ['1.5']])('falls back for %j', (header) => {
    expect(retryAfterMs(header as string | null, now, 30_000)).toBe(30_000);
  });
});
