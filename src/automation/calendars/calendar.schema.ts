import { DateTime } from 'luxon';
import { z } from 'zod';
import { DAY_KEYS, parseClock } from '../business-time';

const clock = z.string().trim().refine((v) => parseClock(v) !== null, { message: 'Use a time of day as HH:MM (00:00–24:00).' });

export const intervalSchema = z.object({ from: clock, to: clock }).refine((iv) => iv.from !== iv.to && iv.from !== '24:00', {
  message: 'An interval needs different start and end times (an end before the start runs past midnight).',
  path: ['to'],
});

export const holidaySchema = z.object({
  date: z.string().trim().refine((v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && DateTime.fromISO(v).isValid, { message: 'Use a date as YYYY-MM-DD.' }),
  name: z.string().trim().max(100).optional(),
  // Present: the hours open on that date instead of the weekly ones (a half day).
  open: z.array(intervalSchema).max(8).optional(),
});

export const timeZoneSchema = z.string().trim().min(1, 'Choose a time zone.').refine((v) => DateTime.now().setZone(v).isValid, { message: 'Unknown time zone; use an IANA name such as Europe/Berlin.' });

const weeklyShape = Object.fromEntries(DAY_KEYS.map((d) => [d, z.array(intervalSchema).max(8).optional()])) as Record<(typeof DAY_KEYS)[number], z.ZodOptional<z.ZodArray<typeof intervalSchema>>>;

export const calendarInputSchema = z.object({
  name: z.string().trim().min(1, 'Give the calendar a name.').max(100),
  timeZone: timeZoneSchema,
  weekly: z.object(weeklyShape).strict().refine((w) => Object.values(w).some((l) => l && l.length > 0), { message: 'Open at least one day: a calendar without weekly hours never counts time.' }),
  holidays: z.array(holidaySchema).max(500).default([]),
});
export type CalendarInput = z.infer<typeof calendarInputSchema>;
