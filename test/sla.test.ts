import type { InboundMessage } from '../src/channels/inbound-message';
import { createCalendar } from '../src/automation/calendars/save-calendar';
import { createSlaPolicy, updateSlaPolicy } from '../src/automation/sla/save-sla-policy';
import { runSlaSweep } from '../src/automation/sla/sla-sweep';
import { SLA_SWEEP_JOB } from '../src/automation/sla/sla.module';
import { reportFactRepository } from '../src/db/repositories/report-fact.repository';
import { ticketEventRepository } from '../src/db/repositories/ticket-event.repository';
import { ticketRepository } from '../src/db/repositories/ticket.repository';
import { createInbox } from '../src/inboxes/create-inbox';
import { updateInbox } from '../src/inboxes/update-inbox';
import { runClusterJobOnce } from '../src/jobs/cluster-job';
import { addReply } from '../src/tickets/commands/add-reply';
import { addTag } from '../src/tickets/commands/add-tag';
import { changeStatus } from '../src/tickets/commands/change-status';
import { DB_KINDS, startTestChorus, type TestChorus, jsonChannelModule } from './helpers/test-chorus';

const RAW = 'test.sla';
const testModule = jsonChannelModule(RAW);

const MIN = 60_000;
const T0 = Date.UTC(2026, 2, 2, 8, 0); // Monday 09:00 in Berlin

describe.each(DB_KINDS)('SLA policies (%s)', (db) => {
  let t: TestChorus;
  let clock = T0;
  let n = 0;
  let inbox: Awaited<ReturnType<typeof createInbox>>;
  let agent: { kind: 'agent'; agentId: number; role: 'admin'; name: string };
  const at = (min: number) => (clock = T0 + min * MIN);
  const mail = (from: string, extra: Partial<InboundMessage> = {}) =>
    t.s.ingest.ingest(inbox, [{ key: `s${++n}`, raw: JSON.stringify({ channel: 'email', text: 'hello', subject: 'Help', author: { kind: 'email', value: from }, emailMessageId: `<m${n}@x.test>`, ...extra }), rawType: RAW }]).then((r) => r[0]);
  const ticket = async (id: number) => (await ticketRepository.findById(t.s.db.m, id))!;
  const due = async (id: number) => {
    const x = await ticket(id);
    return { min: x.slaDueAt === null ? null : (x.slaDueAt - T0) / MIN, target: x.slaTarget };
  };
  const sla = async (id: number) => (await ticketEventRepository.listByTicket(t.s.db.m, id)).filter((e) => e.type.startsWith('sla.')).map((e) => `${e.type}:${e.data!.target}:${e.data!.policyName}`);
  const outcomes = async (id: number) => (await reportFactRepository.listByTicket(t.s.db.m, id)).filter((f) => f.kind === 'sla_outcome')
    .map((f) => ({ target: f.statusFrom, outcome: f.statusTo, wallMin: f.wallMs! / MIN, businessMin: f.businessMs! / MIN, targetMin: f.value }));

  beforeAll(async () => {
    const { modules } = await import('../src/modules');
    t = await startTestChorus({ db, modules: [...modules, testModule as never], now: () => clock });
    inbox = await createInbox(t.s.db, T0, { name: 'Support', channel: 'email', address: 'sla@acme.test' });
    agent = { kind: 'agent', agentId: t.admin.id, role: 'admin', name: 'Ada Admin' };
    await createSlaPolicy(t.s.db, T0, { name: 'VIP', conditions: { tags: ['vip'] }, firstResponseMinutes: 15, warnBeforeMinutes: 5, businessHours: false });
    await createSlaPolicy(t.s.db, T0, { name: 'Standard', conditions: { inboxIds: [inbox.id] }, firstResponseMinutes: 60, nextResponseMinutes: 30, resolutionMinutes: 600, warnBeforeMinutes: 10, businessHours: false });
  });
  afterAll(async () => t.stop());

  it('pending stops the clock and the customer reply resumes it; the outcome counts only running time', async () => {
    at(0);
    const a = await mail('ann@x.test');
    const id = a.ticketId!;
    expect(await due(id)).toEqual({ min: 60, target: 'first_response' });
    expect((await ticket(id)).slaPolicyId).not.toBeNull();
    at(20);
    await changeStatus(t.s.commands, agent, id, 'pending');
    expect(await due(id)).toEqual({ min: null, target: null });
    at(100);
    // The customer answers: the ticket reopens and the first-response clock runs on (20 of 60 spent).
    await mail('ann@x.test', { subject: 'Re: Help', inReplyTo: [`<m${n}@x.test>`] });
    expect((await ticket(id)).status).toBe('open');
    expect(await due(id)).toEqual({ min: 140, target: 'first_response' });
    at(130);
    await addReply(t.s.commands, agent, id, { audience: 'participants', text: 'On it.' });
    // Next: resolution (600 business minutes, 20 + 30 spent) — nothing waits for a reply now.
    expect(await due(id)).toEqual({ min: 130 + 550, target: 'resolution' });
    expect(await outcomes(id)).toEqual([{ target: 'first_response', outcome: 'met', wallMin: 130, businessMin: 50, targetMin: 60 }]);
    at(200);
    await mail('ann@x.test', { subject: 'Re: Help', inReplyTo: [`<m${n}@x.test>`], text: 'It still fails' });
    expect(await due(id)).toEqual({ min: 230, target: 'next_response' });
    at(240);
    await addReply(t.s.commands, agent, id, { audience: 'participants', text: 'Fixed now.', status: 'solved' });
    expect(await due(id)).toEqual({ min: null, target: null });
    expect((await outcomes(id)).map((o) => `${o.target}:${o.outcome}:${o.businessMin}`).sort()).toEqual(['first_response:met:50', 'next_response:breached:40', 'resolution:met:160']);
  });

  it('automatic mail starts no clock and never counts as the customer waiting', async () => {
    at(300);
    const bounce = await mail('mailer-daemon@x.test', { subject: 'Out of office', noise: { autoReply: true, reason: 'Auto-Submitted: auto-replied' } });
    expect(await due(bounce.ticketId!)).toEqual({ min: null, target: null });
    const b = await mail('bea@x.test', { subject: 'Broken' });
    await addReply(t.s.commands, agent, b.ticketId!, { audience: 'participants', text: 'Try again?' });
    at(310);
    await mail('bea@x.test', { subject: 'Re: Broken', inReplyTo: [`<m${n}@x.test>`], noise: { autoReply: true, reason: 'Auto-Submitted: auto-replied' } });
    expect((await due(b.ticketId!)).target).toBe('resolution');
  });

  it('the first matching policy applies, and a change that makes another match moves the due time', async () => {
    at(400);
    const c = await mail('cy@x.test', { subject: 'Urgent' });
    expect(await due(c.ticketId!)).toEqual({ min: 460, target: 'first_response' });
    at(405);
    await addTag(t.s.commands, agent, c.ticketId!, 'vip');
    expect(await due(c.ticketId!)).toEqual({ min: 415, target: 'first_response' });
    expect((await ticket(c.ticketId!)).slaPolicyId).toBe((await t.api('GET', '/api/sla-policies')).body.slaPolicies[0].id);
  });

  it('warns before the breach and breaches once each, however often the sweep runs', async () => {
    at(500);
    const d = await mail('dan@x.test', { subject: 'Slow' });
    const id = d.ticketId!;
    const events: string[] = [];
    t.s.bus.on('sla.warning', (p) => void (p.ticketId === id && events.push(`warning:${p.target}:${p.policyName}`)));
    t.s.bus.on('sla.breached', (p) => void (p.ticketId === id && events.push(`breached:${p.target}:${p.policyName}`)));
    at(549);
    await runSlaSweep(t.s, clock);
    expect(await sla(id)).toEqual([]);
    at(551);
    await Promise.all([runSlaSweep(t.s, clock), runSlaSweep(t.s, clock)]);
    await runSlaSweep(t.s, clock);
    expect(await sla(id)).toEqual(['sla.warning:first_response:Standard']);
    at(561);
    expect(await runClusterJobOnce(t.s, SLA_SWEEP_JOB, (now) => runSlaSweep(t.s, now).then(() => undefined))).toBe(true);
    await runSlaSweep(t.s, clock);
    expect(await sla(id)).toEqual(['sla.warning:first_response:Standard', 'sla.breached:first_response:Standard']);
    await t.s.bus.drain();
    expect(events).toEqual(['warning:first_response:Standard', 'breached:first_response:Standard']);
    // The row and the ticket page say it.
    const row = (await t.api('GET', `/api/tickets/${id}`)).body.ticket;
    expect(Date.parse(row.slaDueAt)).toBe(T0 + 560 * MIN);
  });

  it('the "SLA due" order reads the policies\' due times: soonest first, then tickets without one', async () => {
    const open = await ticketRepository.listOrdered(t.s.db.m, { status: ['new', 'open', 'pending'] }, 'sla', 100, 0);
    const dues = open.map((x) => x.slaDueAt);
    const withDue = dues.filter((d): d is number => d !== null);
    expect(withDue.length).toBeGreaterThan(1);
    expect(dues.slice(0, withDue.length)).toEqual([...withDue].sort((x, y) => x - y));
    expect(dues.slice(withDue.length).every((d) => d === null)).toBe(true);
  });

  it('counts business hours of the inbox calendar when the policy says so', async () => {
    const cal = await createCalendar(t.s.db, T0, { name: 'Berlin office', timeZone: 'Europe/Berlin', weekly: { mon: [{ from: '09:00', to: '17:00' }], tue: [{ from: '09:00', to: '17:00' }] }, holidays: [] });
    const other = await createInbox(t.s.db, T0, { name: 'Office hours', channel: 'email', address: 'office@acme.test' });
    await updateInbox(t.s.db, other.id, { calendarId: cal.id });
    const policies = (await t.api('GET', '/api/sla-policies')).body.slaPolicies;
    const standard = policies.find((p: any) => p.name === 'Standard');
    await updateSlaPolicy(t.s.db, standard.id, clock, { ...standard, conditions: { inboxIds: [inbox.id, other.id] }, businessHours: true, position: undefined });
    // Monday 16:30 Berlin (15:30 UTC): 60 business minutes end on Tuesday at 09:30 (08:30 UTC).
    clock = Date.UTC(2026, 2, 2, 15, 30);
    const e = await t.s.ingest.ingest(other, [{ key: `s${++n}`, raw: JSON.stringify({ channel: 'email', text: 'hi', subject: 'Late', author: { kind: 'email', value: 'eve@x.test' } }), rawType: RAW }]).then((r) => r[0]);
    expect((await ticket(e.ticketId!)).slaDueAt).toBe(Date.UTC(2026, 2, 3, 8, 30));
  });

  it('with every policy deleted, the next change of a ticket clears its due time; a new ticket gets none', async () => {
    at(700);
    const c = await mail('gone@x.test', { subject: 'Before the policies went' });
    expect((await due(c.ticketId!)).min).not.toBeNull();
    for (const p of (await t.api('GET', '/api/sla-policies')).body.slaPolicies) expect((await t.api('DELETE', `/api/sla-policies/${p.id}`)).status).toBe(200);
    at(710);
    await addTag(t.s.commands, agent, c.ticketId!, 'later');
    expect(await due(c.ticketId!)).toEqual({ min: null, target: null });
    expect((await ticket(c.ticketId!)).slaPolicyId).toBeNull();
    const d = await mail('after@x.test', { subject: 'After' });
    expect(await due(d.ticketId!)).toEqual({ min: null, target: null });
  });
});
