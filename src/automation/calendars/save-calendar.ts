import type { BusinessCalendarRow } from '../../db/entities';
import { businessCalendarRepository } from '../../db/repositories/business-calendar.repository';
import type { Db } from '../../db/transaction';
import { ConflictError, NotFoundError, ValidationError } from '../../errors';
import { type CalendarInput, calendarInputSchema } from './calendar.schema';

function validated(input: unknown): CalendarInput {
  const parsed = calendarInputSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const fields: Record<string, string[]> = {};
  for (const i of parsed.error.issues) (fields[i.path.join('.') || 'calendar'] ??= []).push(i.message);
  const [field, messages] = Object.entries(fields)[0];
  throw new ValidationError(`Invalid calendar field ${field}: ${messages[0]}`, { fields });
}

// Holidays are kept in date order so the page and the API list them the same way.
const byDate = (h: CalendarInput['holidays']) => [...h].sort((a, b) => a.date.localeCompare(b.date));

export async function createCalendar(db: Db, now: number, input: unknown): Promise<BusinessCalendarRow> {
  const c = validated(input);
  return db.transaction(async ({ m, emit }) => {
    if (await businessCalendarRepository.findByName(m, c.name)) throw new ConflictError(`A calendar named "${c.name}" exists already.`, { fields: { name: ['This name is taken.'] } });
    const id = await businessCalendarRepository.insert(m, { name: c.name, timeZone: c.timeZone, weekly: c.weekly, holidays: byDate(c.holidays), createdAt: now, updatedAt: now });
    emit('calendar.changed', { calendarId: id });
    return (await businessCalendarRepository.findById(m, id))!;
  });
}

export async function updateCalendar(db: Db, id: number, now: number, input: unknown): Promise<BusinessCalendarRow> {
  const c = validated(input);
  return db.transaction(async ({ m, emit }) => {
    if (!(await businessCalendarRepository.findById(m, id))) throw new NotFoundError('Calendar');
    const same = await businessCalendarRepository.findByName(m, c.name);
    if (same && same.id !== id) throw new ConflictError(`A calendar named "${c.name}" exists already.`, { fields: { name: ['This name is taken.'] } });
    await businessCalendarRepository.update(m, id, { name: c.name, timeZone: c.timeZone, weekly: c.weekly, holidays: byDate(c.holidays), updatedAt: now });
    emit('calendar.changed', { calendarId: id });
    return (await businessCalendarRepository.findById(m, id))!;
  });
}

export async function deleteCalendar(db: Db, id: number): Promise<void> {
  await db.transaction(async ({ m, emit }) => {
    if (!(await businessCalendarRepository.remove(m, id))) throw new NotFoundError('Calendar');
    emit('calendar.changed', { calendarId: id });
  });
}
