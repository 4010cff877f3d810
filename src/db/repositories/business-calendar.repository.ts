import type { EntityManager } from 'typeorm';
import { BusinessCalendarRow, Inbox, Team } from '../entities';
import { referenceCache } from './reference-cache';
import { binder } from './plain-rows';

export const businessCalendarRepository = {
  async list(m: EntityManager): Promise<BusinessCalendarRow[]> {
    return m.getRepository(BusinessCalendarRow).find({ order: { name: 'ASC' }, take: 500 });
  },
  async findById(m: EntityManager, id: number): Promise<BusinessCalendarRow | null> {
    return m.getRepository(BusinessCalendarRow).findOneBy({ id });
  },
  async findByName(m: EntityManager, name: string): Promise<BusinessCalendarRow | null> {
    return m.getRepository(BusinessCalendarRow).findOneBy({ name });
  },
  async insert(m: EntityManager, c: Omit<BusinessCalendarRow, 'id'>): Promise<number> {
    return (await m.getRepository(BusinessCalendarRow).insert(c)).identifiers[0].id;
  },
  async update(m: EntityManager, id: number, patch: Partial<Omit<BusinessCalendarRow, 'id' | 'createdAt'>>): Promise<void> {
    await m.getRepository(BusinessCalendarRow).update({ id }, patch);
  },
  // A calendar in use stays: its inboxes and teams are cleared first, in the same transaction.
  async remove(m: EntityManager, id: number): Promise<boolean> {
    await m.getRepository(Inbox).update({ calendarId: id }, { calendarId: null });
    await m.getRepository(Team).update({ calendarId: id }, { calendarId: null });
    referenceCache(m).changed(m, 'inboxes');
    referenceCache(m).changed(m, 'teams');
    return ((await m.getRepository(BusinessCalendarRow).delete({ id })).affected ?? 0) > 0;
  },
  async usage(m: EntityManager, id: number): Promise<{ inboxes: number; teams: number }> {
    const [inboxes, teams] = await Promise.all([
      m.getRepository(Inbox).countBy({ calendarId: id }),
      m.getRepository(Team).countBy({ calendarId: id }),
    ]);
    return { inboxes, teams };
  },
  // The calendar a ticket's clocks run on: its team's if the team has one, else its inbox's.
  // Plain SQL: every first response and solve asks this (the query builder cost more than the read).
  async forTicket(m: EntityManager, t: { inboxId: number; teamId: number | null }): Promise<BusinessCalendarRow | null> {
    const { bind, params } = binder(m);
    const [row]: { id: number | string | null }[] = await m.query(
      `SELECT COALESCE(tm.calendar_id, ib.calendar_id) AS id FROM inboxes ib LEFT JOIN teams tm ON tm.id = ${bind(t.teamId ?? -1)} WHERE ib.id = ${bind(t.inboxId)}`, params);
    return row?.id ? this.findById(m, Number(row.id)) : null;
  },
};
