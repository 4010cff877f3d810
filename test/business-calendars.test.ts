import { businessMsBetween } from '../src/automation/business-time';
import { createCalendar, deleteCalendar, updateCalendar } from '../src/automation/calendars/save-calendar';
import { agentRepository } from '../src/db/repositories/agent.repository';
import { businessCalendarRepository } from '../src/db/repositories/business-calendar.repository';
import { createInbox } from '../src/inboxes/create-inbox';
import { updateInbox } from '../src/inboxes/update-inbox';
import { DB_KINDS, startTestChorus, type TestChorus } from './helpers/test-chorus';

const T0 = Date.UTC(2026, 2, 2, 8, 0); // Monday 09:00 in Berlin
const office = { name: 'Berlin office', timeZone: 'Europe/Berlin', weekly: { mon: [{ from: '09:00', to: '17:00' }], tue: [{ from: '09:00', to: '17:00' }] }, holidays: [{ date: '2026-03-03', name: 'Closed' }] };

describe.each(DB_KINDS)('business calendars (%s)', (db) => {
  let t: TestChorus;
  beforeAll(async () => {
    t = await startTestChorus({ db });
  });
  afterAll(async () => t.stop());

  it('stores a calendar whose row is a calendar the arithmetic takes', async () => {
    const c = await createCalendar(t.s.db, T0, office);
    const row = (await businessCalendarRepository.findById(t.s.db.m, c.id))!;
    expect(row).toMatchObject({ name: 'Berlin office', timeZone: 'Europe/Berlin', holidays: [{ date: '2026-03-03', name: 'Closed' }] });
    // Monday 09:00 → Wednesday 09:00: Monday's 8h, Tuesday is the holiday.
    expect(businessMsBetween(row, T0, T0 + 48 * 3_600_000)).toBe(8 * 3_600_000);
  });

  it('names the field of bad input', async () => {
    const bad = async (input: unknown) => createCalendar(t.s.db, T0, input).then(() => null, (e) => e.details.fields as Record<string, string[]>);
    expect(Object.keys((await bad({ ...office, name: 'x1', timeZone: 'Mars/Olympus' }))!)).toEqual(['timeZone']);
    expect(Object.keys((await bad({ ...office, name: 'x2', weekly: { mon: [{ from: '9am', to: '17:00' }] } }))!)).toEqual(['weekly.mon.0.from']);
    expect(Object.keys((await bad({ ...office, name: 'x3', weekly: {} }))!)).toEqual(['weekly']);
    expect(Object.keys((await bad({ ...office, name: 'x4', holidays: [{ date: '2026-02-30' }] }))!)).toEqual(['holidays.0.date']);
    expect(Object.keys((await bad({ ...office, name: '' }))!)).toEqual(['name']);
    await expect(createCalendar(t.s.db, T0, office)).rejects.toMatchObject({ status: 409 });
  });

  it('a ticket runs on its team calendar, else its inbox calendar, else none', async () => {
    const inboxCal = await createCalendar(t.s.db, T0, { ...office, name: 'Inbox hours' });
    const teamCal = await createCalendar(t.s.db, T0, { ...office, name: 'Team hours', timeZone: 'America/New_York' });
    const inbox = await createInbox(t.s.db, T0, { name: 'Support', channel: 'email', address: 'cal@acme.test' });
    const teamId = await t.s.db.transaction(({ m }) => agentRepository.insertTeam(m, 'Tier 2', T0));
    const m = t.s.db.m;
    expect(await businessCalendarRepository.forTicket(m, { inboxId: inbox.id, teamId })).toBeNull();
    await updateInbox(t.s.db, inbox.id, { calendarId: inboxCal.id });
    expect((await businessCalendarRepository.forTicket(m, { inboxId: inbox.id, teamId }))?.name).toBe('Inbox hours');
    await t.s.db.transaction(({ m: tx }) => agentRepository.updateTeam(tx, teamId, { calendarId: teamCal.id }));
    expect((await businessCalendarRepository.forTicket(m, { inboxId: inbox.id, teamId }))?.name).toBe('Team hours');
    expect((await businessCalendarRepository.forTicket(m, { inboxId: inbox.id, teamId: null }))?.name).toBe('Inbox hours');
    expect(await businessCalendarRepository.usage(m, inboxCal.id)).toEqual({ inboxes: 1, teams: 0 });

    const renamed = await updateCalendar(t.s.db, teamCal.id, T0 + 1, { ...office, name: 'Team hours (NY)', timeZone: 'America/New_York' });
    expect(renamed).toMatchObject({ name: 'Team hours (NY)', updatedAt: T0 + 1 });
    await deleteCalendar(t.s.db, teamCal.id);
    expect((await businessCalendarRepository.forTicket(m, { inboxId: inbox.id, teamId }))?.name).toBe('Inbox hours');
    expect((await agentRepository.findTeam(m, teamId))!.calendarId).toBeNull();
  });
});
