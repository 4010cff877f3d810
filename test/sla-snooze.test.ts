import type { InboundMessage } from '../src/channels/inbound-message';
import { createCalendar } from '../src/automation/calendars/save-calendar';
import { createSlaPolicy } from '../src/automation/sla/save-sla-policy';
import { runSlaSweep } from '../src/automation/sla/sla-sweep';
import { wakeSnoozedTickets } from '../src/automation/snooze/snooze.job';
import { reportFactRepository } from '../src/db/repositories/report-fact.repository';
import { ticketEventRepository } from '../src/db/repositories/ticket-event.repository';
import { ticketRepository } from '../src/db/repositories/ticket.repository';
import { createInbox } from '../src/inboxes/create-inbox';
import { updateInbox } from '../src/inboxes/update-inbox';
import { addReply } from '../src/tickets/commands/add-reply';
import { changeStatus } from '../src/tickets/commands/change-status';
import { snoozeTicket } from '../src/tickets/commands/snooze-ticket';
import { AgentClient } from './helpers/agent-client';
import { DB_KINDS, jsonChannelModule, startTestChorus, type TestChorus } from './helpers/test-chorus';

const RAW = 'test.sla-snooze';
const MIN = 60_000;
const T0 = Date.UTC(2026, 2, 2, 8, 0); // Monday 09:00 in Berlin

// A snoozed ticket is put aside like a pending one: its SLA clock stands still until it wakes,
// the due times move out by the pause, nothing warns or breaches meanwhile, and a warning given
// before the pause is given again for the new due time. The ticket's history says so, naming
// the policy.
describe.each(DB_KINDS)('SLA clock and snooze (%s)', (db) => {
  let t: TestChorus;
  let clock = T0;
  let n = 0;
  let inbox: Awaited<ReturnType<typeof createInbox>>;
  let office: Awaited<ReturnType<typeof createInbox>>;
  let agent: { kind: 'agent'; agentId: number; role: 'admin'; name: string };
  const at = (min: number) => (clock = T0 + min * MIN);
  const mail = (to: typeof inbox, from: string, extra: Partial<InboundMessage> = {}) =>
    t.s.ingest.ingest(to, [{ key: `z${++n}`, raw: JSON.stringify({ channel: 'email', text: 'hello', subject: 'Help', author: { kind: 'email', value: from }, emailMessageId: `<z${n}@x.test>`, ...extra }), rawType: RAW }]).then((r) => r[0].ticketId!);
  const dueMin = async (id: number) => {
    const x = (await ticketRepository.findById(t.s.db.m, id))!;
    return x.slaDueAt === null ? null : (x.slaDueAt - T0) / MIN;
  };
  const sla = async (id: number) => (await ticketEventRepository.listByTicket(t.s.db.m, id)).filter((e) => e.type.startsWith('sla.'))
    .map((e) => `${e.type}${e.data!.dueAt ? `@${(e.data!.dueAt - T0) / MIN}` : ''}${e.cause ? ` by ${e.cause.kind} ${e.cause.name}` : ''}`);
  const sweep = () => runSlaSweep(t.s, clock);

  beforeAll(async () => {
    const { modules } = await import('../src/modules');
    t = await startTestChorus({ db, modules: [...modules, jsonChannelModule(RAW) as never], now: () => clock, env: { CHORUS_WORKERS: 'false' } });
    inbox = await createInbox(t.s.db, T0, { name: 'Support', channel: 'email', address: 'snooze-sla@acme.test' });
    office = await createInbox(t.s.db, T0, { name: 'Office', channel: 'email', address: 'office-sla@acme.test' });
    const weekday = [{ from: '09:00', to: '17:00' }];
    const cal = await createCalendar(t.s.db, T0, { name: 'Berlin office', timeZone: 'Europe/Berlin', weekly: { mon: weekday, tue: weekday, wed: weekday, thu: weekday, fri: weekday }, holidays: [] });
    await updateInbox(t.s.db, office.id, { calendarId: cal.id });
    agent = { kind: 'agent', agentId: t.admin.id, role: 'admin', name: 'Ada Admin' };
    await createSlaPolicy(t.s.db, T0, { name: 'Standard', conditions: { inboxIds: [inbox.id] }, firstResponseMinutes: 60, warnBeforeMinutes: 10, businessHours: false });
    await createSlaPolicy(t.s.db, T0, { name: 'Office hours', conditions: { inboxIds: [office.id] }, firstResponseMinutes: 240, warnBeforeMinutes: 30, businessHours: true });
  });
  afterAll(async () => t.stop());

  it('a timed snooze pauses the clock: nothing fires meanwhile, the due time moves out by the pause, and the history explains it', async () => {
    at(0);
    const id = await mail(inbox, 'ann@x.test');
    expect(await dueMin(id)).toBe(60);
    at(20);
    await snoozeTicket(t.s.commands, agent, id, clock + 100 * MIN);
    expect(await dueMin(id)).toBeNull();
    // The warning (50) and the breach (60) of the old due time pass while it sleeps.
    at(55);
    await sweep();
    at(90);
    await sweep();
    expect(await sla(id)).toEqual(['sla.paused by sla Standard']);
    // It wakes at 120 with 40 of its 60 minutes left.
    at(120);
    expect(await wakeSnoozedTickets(t.s, clock)).toBe(1);
    expect(await dueMin(id)).toBe(160);
    expect(await sla(id)).toEqual(['sla.paused by sla Standard', 'sla.resumed by sla Standard']);
    at(149);
    await sweep();
    expect(await sla(id)).toHaveLength(2);
    at(150);
    await sweep();
    at(161);
    await sweep();
    expect((await sla(id)).slice(2)).toEqual(['sla.warning@160', 'sla.breached@160']);
    // The outcome counts only the time the clock ran: 20 + 41 minutes.
    at(161);
    await addReply(t.s.commands, agent, id, { audience: 'participants', text: 'Sorry for the wait.' });
    const [outcome] = (await reportFactRepository.listByTicket(t.s.db.m, id)).filter((f) => f.kind === 'sla_outcome');
    expect({ outcome: outcome.statusTo, businessMin: outcome.businessMs! / MIN, wallMin: outcome.wallMs! / MIN }).toEqual({ outcome: 'breached', businessMin: 61, wallMin: 161 });

    // The ticket page names the cause of each move, linked to the policy.
    const admin = new AgentClient(t);
    await admin.signIn(t.admin.email, t.admin.password);
    const html = (await admin.get(`/tickets/${id}`)).html;
    const policyId = (await ticketRepository.findById(t.s.db.m, id))!.slaPolicyId;
    expect(html).toContain(`SLA clock paused while snoozed (first response was due ${iso(60)}) <span class="cause">by SLA policy <a href="/admin/sla?edit&#x3D;${policyId}"><em>Standard</em></a></span>`);
    expect(html).toContain(`SLA clock resumed: snooze ended after 1 h 40 min paused (first response now due ${iso(160)}) <span class="cause">by SLA policy`);
  });

  it('a warning given before the pause is given again for the new due time; a customer answer resumes the clock', async () => {
    at(200);
    const id = await mail(inbox, 'bea@x.test', { subject: 'Broken' });
    at(251);
    await sweep();
    expect(await sla(id)).toEqual(['sla.warning@260']);
    at(255);
    await snoozeTicket(t.s.commands, agent, id, null);
    at(400);
    await sweep();
    expect(await sla(id)).toEqual(['sla.warning@260', 'sla.paused by sla Standard']);
    // The customer answers: 5 minutes were left, so the new due time is 405, inside the warning
    // window — the warning for it fires on the next sweep, then the breach.
    await mail(inbox, 'bea@x.test', { subject: 'Re: Broken', inReplyTo: [`<z${n}@x.test>`] });
    expect((await ticketRepository.findById(t.s.db.m, id))!.snoozed).toBeNull();
    expect(await dueMin(id)).toBe(405);
    const resumed = (await ticketEventRepository.listByTicket(t.s.db.m, id)).find((e) => e.type === 'sla.resumed')!;
    expect(resumed.data).toMatchObject({ rearmed: ['first_response'], pausedMs: 145 * MIN });
    await sweep();
    await sweep();
    at(405);
    await sweep();
    expect(await sla(id)).toEqual(['sla.warning@260', 'sla.paused by sla Standard', 'sla.resumed by sla Standard', 'sla.warning@405', 'sla.breached@405']);
  });

  it('a pending ticket snoozed is already paused by its status: no extra history; waking it leaves the clock paused', async () => {
    at(500);
    const id = await mail(inbox, 'cy@x.test', { subject: 'Question' });
    await changeStatus(t.s.commands, agent, id, 'pending');
    await snoozeTicket(t.s.commands, agent, id, clock + 30 * MIN);
    at(530);
    expect(await wakeSnoozedTickets(t.s, clock)).toBe(1);
    expect(await dueMin(id)).toBeNull();
    expect(await sla(id)).toEqual([]);
  });

  it('with business hours, the snooze overnight moves the due time by the business time it held back', async () => {
    // Monday 10:00 Berlin: 240 business minutes end at 14:00 Berlin (13:00 UTC).
    clock = Date.UTC(2026, 2, 2, 9, 0);
    const id = await mail(office, 'dan@x.test', { subject: 'Invoice' });
    expect((await ticketRepository.findById(t.s.db.m, id))!.slaDueAt).toBe(Date.UTC(2026, 2, 2, 13, 0));
    // Snoozed at 11:00 Berlin (60 business minutes spent) until Tuesday 10:00 Berlin.
    clock = Date.UTC(2026, 2, 2, 10, 0);
    const r = await t.api('POST', `/api/tickets/${id}/snooze`, { until: '2026-03-03T10:00:00+01:00' });
    expect(r.status).toBe(200);
    // Monday's 13:30 warning and 14:00 breach do not fire, nor anything overnight.
    for (const h of [12, 13, 16, 23]) {
      clock = Date.UTC(2026, 2, 2, h, 30);
      await sweep();
    }
    clock = Date.UTC(2026, 2, 3, 8, 59);
    await sweep();
    expect(await wakeSnoozedTickets(t.s, clock)).toBe(0);
    // It wakes at Tuesday 10:00 Berlin with 180 business minutes left: due 13:00 Berlin.
    clock = Date.UTC(2026, 2, 3, 9, 0);
    expect(await wakeSnoozedTickets(t.s, clock)).toBe(1);
    expect((await ticketRepository.findById(t.s.db.m, id))!.slaDueAt).toBe(Date.UTC(2026, 2, 3, 12, 0));
    clock = Date.UTC(2026, 2, 3, 11, 29);
    await sweep();
    clock = Date.UTC(2026, 2, 3, 11, 30);
    await sweep();
    const events = (await ticketEventRepository.listByTicket(t.s.db.m, id)).filter((e) => e.type.startsWith('sla.'));
    expect(events.map((e) => e.type)).toEqual(['sla.paused', 'sla.resumed', 'sla.warning']);
    expect(events[2].data).toMatchObject({ dueAt: Date.UTC(2026, 2, 3, 12, 0), policyName: 'Office hours' });
    expect(events[1].cause).toMatchObject({ kind: 'sla', name: 'Office hours' });
  });
});

function iso(min: number): string {
  return `${new Date(T0 + min * MIN).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
