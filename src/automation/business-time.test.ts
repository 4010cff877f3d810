import { DateTime } from 'luxon';
import { addBusinessMs, type BusinessCalendar, businessMsBetween, isWithinBusinessHours } from './business-time';

const H = 3_600_000;
const M = 60_000;

// A local wall-clock time in a zone, as epoch ms.
function at(zone: string, local: string): number {
  const d = DateTime.fromFormat(local, 'yyyy-MM-dd HH:mm', { zone });
  if (!d.isValid) throw new Error(`bad fixture time ${local}`);
  return d.toMillis();
}
const local = (zone: string, ms: number) => DateTime.fromMillis(ms, { zone }).toFormat('yyyy-MM-dd HH:mm');

const weekdays = (intervals: Array<{ from: string; to: string }>) => ({ mon: intervals, tue: intervals, wed: intervals, thu: intervals, fri: intervals });
const allDays = (intervals: Array<{ from: string; to: string }>) => ({ ...weekdays(intervals), sat: intervals, sun: intervals });

const BER = 'Europe/Berlin';
const NY = 'America/New_York';

// 2026: 2 March is a Monday; 24 December a Thursday.
const office: BusinessCalendar = {
  timeZone: BER,
  weekly: weekdays([{ from: '09:00', to: '12:00' }, { from: '13:00', to: '17:00' }]),
  holidays: [
    { date: '2026-12-24', name: 'Christmas Eve', open: [{ from: '09:00', to: '12:00' }] },
    { date: '2026-12-25', name: 'Christmas Day' },
  ],
};
const allDay: BusinessCalendar = { timeZone: BER, weekly: allDays([{ from: '00:00', to: '24:00' }]), holidays: [] };
const nights: BusinessCalendar = { timeZone: BER, weekly: { ...weekdays([{ from: '22:00', to: '06:00' }]), sat: [{ from: '22:00', to: '06:00' }] }, holidays: [{ date: '2026-03-04' }] };
const nyOffice: BusinessCalendar = { timeZone: NY, weekly: weekdays([{ from: '09:00', to: '17:00' }]), holidays: [] };
const tokyo: BusinessCalendar = { timeZone: 'Asia/Tokyo', weekly: weekdays([{ from: '09:00', to: '17:00' }]), holidays: [] };

describe('businessMsBetween', () => {
  const cases: Array<[string, BusinessCalendar | null, string, number, number, number]> = [
    // name, calendar, zone of the fixture times, from, to, expected
    ['inside one morning', office, BER, at(BER, '2026-03-02 10:00'), at(BER, '2026-03-02 11:30'), 1.5 * H],
    ['across the lunch break', office, BER, at(BER, '2026-03-02 10:00'), at(BER, '2026-03-02 15:00'), 4 * H],
    ['over a weekend', office, BER, at(BER, '2026-03-06 16:00'), at(BER, '2026-03-09 10:00'), 2 * H],
    ['starting outside hours (Saturday)', office, BER, at(BER, '2026-03-07 08:00'), at(BER, '2026-03-09 09:30'), 30 * M],
    ['starting before opening', office, BER, at(BER, '2026-03-02 06:00'), at(BER, '2026-03-02 09:15'), 15 * M],
    ['ending after closing', office, BER, at(BER, '2026-03-02 16:00'), at(BER, '2026-03-02 22:00'), 1 * H],
    ['a full week', office, BER, at(BER, '2026-03-02 00:00'), at(BER, '2026-03-09 00:00'), 35 * H],
    ['half-day and holiday at Christmas', office, BER, at(BER, '2026-12-23 16:00'), at(BER, '2026-12-28 10:00'), 5 * H],
    ['empty or reversed range', office, BER, at(BER, '2026-03-02 11:00'), at(BER, '2026-03-02 10:00'), 0],
    ['no calendar is wall time', null, BER, at(BER, '2026-03-07 08:00'), at(BER, '2026-03-09 09:30'), 49.5 * H],
    ['spring forward day is 23h (Berlin)', allDay, BER, at(BER, '2026-03-28 12:00'), at(BER, '2026-03-29 12:00'), 23 * H],
    ['autumn back day is 25h (Berlin)', allDay, BER, at(BER, '2026-10-24 12:00'), at(BER, '2026-10-25 12:00'), 25 * H],
    ['office hours over the spring DST weekend', office, BER, at(BER, '2026-03-27 16:00'), at(BER, '2026-03-30 10:00'), 2 * H],
    ['office hours over the autumn DST weekend', office, BER, at(BER, '2026-10-23 16:00'), at(BER, '2026-10-26 10:00'), 2 * H],
    ['night shift across spring forward is 7h', nights, BER, at(BER, '2026-03-28 20:00'), at(BER, '2026-03-29 08:00'), 7 * H],
    ['night shift across autumn back is 9h', nights, BER, at(BER, '2026-10-24 20:00'), at(BER, '2026-10-25 08:00'), 9 * H],
    ['night shift: Friday night runs into Saturday', nights, BER, at(BER, '2026-03-07 00:00'), at(BER, '2026-03-07 12:00'), 6 * H],
    ['night shift: holiday closes the night starting on it', nights, BER, at(BER, '2026-03-04 12:00'), at(BER, '2026-03-05 12:00'), 0],
    ['New York office over its spring DST weekend', nyOffice, NY, at(NY, '2026-03-06 16:00'), at(NY, '2026-03-09 10:00'), 2 * H],
    ['New York office over its autumn DST weekend', nyOffice, NY, at(NY, '2026-10-30 16:00'), at(NY, '2026-11-02 10:00'), 2 * H],
  ];
  it.each(cases)('%s', (_name, cal, _zone, from, to, expected) => {
    expect(businessMsBetween(cal, from, to)).toBe(expected);
  });

  it('merges overlapping intervals instead of counting them twice', () => {
    const cal: BusinessCalendar = { timeZone: BER, weekly: { mon: [{ from: '09:00', to: '17:00' }, { from: '12:00', to: '18:00' }] }, holidays: [] };
    expect(businessMsBetween(cal, at(BER, '2026-03-02 00:00'), at(BER, '2026-03-03 00:00'))).toBe(9 * H);
  });

  it('an interval over the spring-forward gap counts the hours that exist', () => {
    const cal: BusinessCalendar = { timeZone: BER, weekly: { sun: [{ from: '01:00', to: '04:00' }] }, holidays: [] };
    expect(businessMsBetween(cal, at(BER, '2026-03-29 00:00'), at(BER, '2026-03-29 12:00'))).toBe(2 * H);
    expect(businessMsBetween(cal, at(BER, '2026-10-25 00:00'), at(BER, '2026-10-25 12:00'))).toBe(4 * H);
  });
});

describe('addBusinessMs', () => {
  const cases: Array<[string, BusinessCalendar | null, string, string, number, string]> = [
    // name, calendar, zone, from (local), business ms, due (local)
    ['inside hours', office, BER, '2026-03-02 09:30', 2 * H, '2026-03-02 11:30'],
    ['over the lunch break', office, BER, '2026-03-02 11:30', 1 * H, '2026-03-02 13:30'],
    ['ending exactly at closing stays at closing', office, BER, '2026-03-02 16:00', 1 * H, '2026-03-02 17:00'],
    ['over the weekend', office, BER, '2026-03-06 16:30', 1 * H, '2026-03-09 09:30'],
    ['started on Saturday', office, BER, '2026-03-07 11:00', 30 * M, '2026-03-09 09:30'],
    ['started in the lunch break', office, BER, '2026-03-02 12:15', 30 * M, '2026-03-02 13:30'],
    ['over the Christmas half-day and holiday', office, BER, '2026-12-23 16:00', 5 * H, '2026-12-28 10:00'],
    ['a long target (100 business hours)', office, BER, '2026-03-02 09:00', 100 * H, '2026-03-20 11:00'],
    ['spring DST weekend (Berlin)', office, BER, '2026-03-27 16:00', 2 * H, '2026-03-30 10:00'],
    ['24/7 over spring forward keeps elapsed time', allDay, BER, '2026-03-29 01:30', 1 * H, '2026-03-29 03:30'],
    ['24/7 over autumn back keeps elapsed time', allDay, BER, '2026-10-25 01:30', 3 * H, '2026-10-25 03:30'],
    ['New York spring DST weekend', nyOffice, NY, '2026-03-06 16:00', 2 * H, '2026-03-09 10:00'],
    ['night shift inside the overnight part', nights, BER, '2026-03-03 02:00', 5 * H, '2026-03-03 23:00'],
    ['no calendar is wall time', null, BER, '2026-03-07 11:00', 30 * M, '2026-03-07 11:30'],
    ['zero target is due at once', office, BER, '2026-03-07 11:00', 0, '2026-03-07 11:00'],
  ];
  it.each(cases)('%s', (_name, cal, zone, from, ms, due) => {
    expect(local(zone, addBusinessMs(cal, at(zone, from), ms))).toBe(due);
  });

  it('is the inverse of businessMsBetween', () => {
    for (const cal of [office, nights, nyOffice, allDay]) {
      for (let i = 0; i < 200; i++) {
        const from = at(BER, '2026-01-01 00:00') + Math.floor(((i * 7919) % 365) * 24 * H + ((i * 104729) % (24 * 60)) * M);
        const ms = ((i * 31) % 4000) * M + M;
        expect(businessMsBetween(cal, from, addBusinessMs(cal, from, ms))).toBe(ms);
      }
    }
  });

  it('throws when the calendar never opens', () => {
    const closed: BusinessCalendar = { timeZone: BER, weekly: {}, holidays: [] };
    expect(() => addBusinessMs(closed, at(BER, '2026-03-02 09:00'), H)).toThrow(RangeError);
  });
});

describe('isWithinBusinessHours', () => {
  const cases: Array<[string, BusinessCalendar | null, number, boolean]> = [
    ['opening minute is inside', office, at(BER, '2026-03-02 09:00'), true],
    ['closing minute is outside', office, at(BER, '2026-03-02 17:00'), false],
    ['lunch break', office, at(BER, '2026-03-02 12:30'), false],
    ['Saturday', office, at(BER, '2026-03-07 10:00'), false],
    ['half-day morning', office, at(BER, '2026-12-24 11:00'), true],
    ['half-day afternoon', office, at(BER, '2026-12-24 14:00'), false],
    ['holiday', office, at(BER, '2026-12-25 10:00'), false],
    ['night shift after midnight (Friday night)', nights, at(BER, '2026-03-07 03:00'), true],
    ['night shift: Sunday night has none', nights, at(BER, '2026-03-08 23:00'), false],
    ['night shift: early Monday follows no Sunday shift', nights, at(BER, '2026-03-09 05:00'), false],
    // One instant, two zones: 08:00 UTC is 09:00 in Berlin and 17:00 in Tokyo.
    ['Berlin at 08:00 UTC', office, Date.UTC(2026, 2, 2, 8, 0), true],
    ['Tokyo at 08:00 UTC', tokyo, Date.UTC(2026, 2, 2, 8, 0), false],
    ['Tokyo at 07:59 UTC', tokyo, Date.UTC(2026, 2, 2, 7, 59), true],
    ['no calendar is always open', null, at(BER, '2026-03-08 03:00'), true],
  ];
  it.each(cases)('%s', (_name, cal, ms, expected) => {
    expect(isWithinBusinessHours(cal, ms)).toBe(expected);
  });
});
