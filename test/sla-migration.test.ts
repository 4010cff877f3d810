import { SlaPolicies1764000024100 } from '../migrations/1764000024100-sla-policies';
import { runSlaSweep } from '../src/automation/sla/sla-sweep';
import { reportFactRepository } from '../src/db/repositories/report-fact.repository';
import { slaClockRepository } from '../src/db/repositories/sla.repository';
import { ticketEventRepository } from '../src/db/repositories/ticket-event.repository';
import { ticketRepository } from '../src/db/repositories/ticket.repository';
import { DB_KINDS, startTestChorus, type TestChorus } from './helpers/test-chorus';

const MIN = 60_000;

// The per-inbox first-response minutes of before become one SLA policy per inbox that behaves
// as they did: same due times (wall clock, from arrival), tickets waiting keep theirs and breach
// on time, answered ones stay clear; the inbox column is emptied and read by nothing.
describe.each(DB_KINDS)('the SLA data migration (%s)', (db) => {
  let t: TestChorus;
  const T0 = Date.UTC(2026, 2, 7, 22, 0); // a Saturday night: the old target ignored business hours too
  let clock = T0;
  beforeAll(async () => (t = await startTestChorus({ db, now: () => clock })));
  afterAll(async () => t.stop());
  const p = (i: number) => (db === 'postgres' ? `$${i}` : '?');
  const migrate = async (step: 'up' | 'down') => {
    const q = t.s.db.ds.createQueryRunner();
    try {
      await new SlaPolicies1764000024100()[step](q);
    } finally {
      await q.release();
    }
  };

  it('turns the inbox minutes into a policy that keeps the old due times', async () => {
    const inbox = (await t.api('POST', '/api/inboxes', { name: 'Desk', channel: 'webform', settings: { slug: 'desk' } })).body.inbox;
    const waiting = (await t.api('POST', '/api/tickets', { inboxId: inbox.id, subject: 'Waiting', requester: { email: 'w@client.test' } })).body.ticket.id;
    const answered = (await t.api('POST', '/api/tickets', { inboxId: inbox.id, subject: 'Answered', requester: { email: 'a@client.test' } })).body.ticket.id;

    // The schema as it was, with what the old code wrote: 45 minutes on the inbox, the due time on the waiting ticket.
    await migrate('down');
    await t.s.db.m.query(`UPDATE inboxes SET first_response_minutes = ${p(1)} WHERE id = ${p(2)}`, [45, inbox.id]);
    await t.s.db.m.query(`UPDATE tickets SET sla_due_at = ${p(1)} WHERE id = ${p(2)}`, [T0 + 45 * MIN, waiting]);
    await t.s.db.m.query(`UPDATE tickets SET first_response_at = ${p(1)}, status = 'open' WHERE id = ${p(2)}`, [T0 + 5 * MIN, answered]);
    await migrate('up');

    const [policy] = (await t.api('GET', '/api/sla-policies')).body.slaPolicies;
    expect(policy).toMatchObject({ name: `First response: Desk #${inbox.id}`, position: 1, enabled: true, conditions: { inboxIds: [inbox.id] }, firstResponseMinutes: 45, nextResponseMinutes: null, resolutionMinutes: null, warnBeforeMinutes: 0, businessHours: false });
    const [{ minutes }] = await t.s.db.m.query(`SELECT first_response_minutes AS minutes FROM inboxes WHERE id = ${p(1)}`, [inbox.id]);
    expect(minutes).toBeNull();
    expect(await ticketRepository.findById(t.s.db.m, waiting)).toMatchObject({ slaDueAt: T0 + 45 * MIN, slaTarget: 'first_response', slaPolicyId: policy.id });
    expect(await ticketRepository.findById(t.s.db.m, answered)).toMatchObject({ slaDueAt: null, slaTarget: null });
    expect((await slaClockRepository.find(t.s.db.m, waiting))!.alertAt).toBe(T0 + 45 * MIN);

    // A new ticket: due 45 wall-clock minutes after it arrives, as before.
    clock = T0 + 60 * MIN;
    const created = (await t.api('POST', '/api/tickets', { inboxId: inbox.id, subject: 'New', requester: { email: 'n@client.test' } })).body.ticket;
    const fresh = (await t.api('GET', `/api/tickets/${created.id}`)).body.ticket;
    // The creating answer already carries the due time the next read shows.
    expect([created.slaDueAt, created.slaTarget]).toEqual([fresh.slaDueAt, 'first_response']);
    expect(Date.parse(fresh.slaDueAt) - Date.parse(fresh.createdAt)).toBe(45 * MIN);
    expect(fresh.slaTarget).toBe('first_response');

    // The migrated ticket breaches at its old due time, once.
    clock = T0 + 44 * MIN;
    await runSlaSweep(t.s, clock);
    clock = T0 + 61 * MIN;
    await runSlaSweep(t.s, clock);
    await runSlaSweep(t.s, clock);
    const events = (await ticketEventRepository.listByTicket(t.s.db.m, waiting)).filter((e) => e.type.startsWith('sla.'));
    expect(events.map((e) => [e.type, e.data!.dueAt, e.data!.target])).toEqual([['sla.breached', T0 + 45 * MIN, 'first_response']]);

    // Answering it ends the target: nothing due, the outcome recorded as breached.
    clock = T0 + 70 * MIN;
    await t.api('POST', `/api/tickets/${waiting}/replies`, { text: 'Sorry for the wait.' });
    expect(await ticketRepository.findById(t.s.db.m, waiting)).toMatchObject({ slaDueAt: null, slaTarget: null });
    const outcome = (await reportFactRepository.listByTicket(t.s.db.m, waiting)).filter((f) => f.kind === 'sla_outcome');
    expect(outcome.map((f) => [f.statusFrom, f.statusTo, f.wallMs! / MIN, f.businessMs! / MIN])).toEqual([['first_response', 'breached', 70, 70]]);
  });
});
