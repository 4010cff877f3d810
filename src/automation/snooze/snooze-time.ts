import { DateTime } from 'luxon';
import { z } from 'zod';
import { ValidationError } from '../../errors';

// What the snooze menus offer (ticket page and bulk bar); `at` takes a date and time typed in
// the agent's time zone (sent by the page script, UTC without it).
export const SNOOZE_CHOICES = ['1h', '4h', 'tomorrow', 'next-week', 'reply', 'at'] as const;
export type SnoozeChoice = (typeof SNOOZE_CHOICES)[number];
export const SNOOZE_LABELS: Record<SnoozeChoice, string> = {
  '1h': 'for 1 hour', '4h': 'for 4 hours', tomorrow: 'until tomorrow 9:00', 'next-week': 'until Monday 9:00', reply: 'until the customer answers', at: 'until…',
};

export const snoozeForm = z.object({
  for: z.enum(SNOOZE_CHOICES, { message: 'Choose how long to snooze.' }),
  at: z.string().trim().max(40).optional(),
  tz: z.string().trim().max(64).optional(),
});

// The time a menu choice means (epoch ms), or null for "until the customer answers".
export function snoozeUntil(choice: SnoozeChoice, now: number, opts: { at?: string; tz?: string } = {}): number | null {
  const zone = opts.tz && DateTime.local().setZone(opts.tz).isValid ? opts.tz : 'UTC';
  const here = DateTime.fromMillis(now, { zone });
  switch (choice) {
    case '1h': return now + 3_600_000;
    case '4h': return now + 4 * 3_600_000;
    case 'tomorrow': return here.plus({ days: 1 }).set({ hour: 9, minute: 0, second: 0, millisecond: 0 }).toMillis();
    case 'next-week': return here.plus({ weeks: 1 }).startOf('week').set({ hour: 9 }).toMillis();
    case 'reply': return null;
    case 'at': {
      const t = opts.at ? DateTime.fromISO(opts.at, { zone }) : null;
      if (!t?.isValid) throw new ValidationError('Enter the date and time to snooze until.', { fields: { at: ['Enter a date and time, e.g. 2026-12-24T09:00.'] } });
      return t.toMillis();
    }
  }
}
