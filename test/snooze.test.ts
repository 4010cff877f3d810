import { createAgent } from '../src/agents/create-agent';
import { ticketEventRepository } from '../src/db/repositories/ticket-event.repository';
import { ticketRepository } from '../src/db/repositories/ticket.repository';
import { runClusterJobOnce } from '../src/jobs/cluster-job';
import { wakeSnoozedTickets } from '../src/automation/snooze/snooze.job';
import { contactReply } from '../src/tickets/commands/contact-reply';
import { AgentClient } from './helpers/agent-client';
import { apiInbox, connectSocket, DB_KINDS, nextEvent, postSigned, recordEvents, startTwoNodes, type TestChorus } from './helpers/test-chorus';
import { settled } from './helpers/wait';

const MIN = 60_000;
const HOUR = 60 * MIN;

// Snooze hides a ticket from the triage views and their counts until its time (woken once per
// cluster by the job) or until the customer answers; the assignee alone is told it is back.
describe.each(DB_KINDS)('snooze (%s)', (kind) => {
  let a: TestChorus;
  let b: TestChorus;
  let drop = async () => {};
  let clock = Date.now();
  const now = () => clock;
  let inbox: Awaited<ReturnType<typeof apiInbox>>;
  let bo: { id: number; token: string };
  let n = 0;

  // A customer writes on their own conversation (an API channel thread); returns the ticket id.
  const customerWrites = async (thread: string, text: string) => {
    const r = await postSigned(a, inbox, { externalId: `m-${++n}`, threadKey: thread, author: { id: `u-${thread}`, email: `${thread}@example.com`, name: 'Grace' }, subject: `About ${thread}`, text });
    expect(r.status).toBeLessThan(300);
    return r.body.ticketId as number;
  };
  const events = async (id: number, type: string) => (await ticketEventRepository.listByTicket(a.s.db.m, id)).filter((e) => e.type === type);
  const live = async (view: string) => (await a.api('GET', `/inbox/live?view=${view}`)).body as { ids: number[]; counts: Record<string, number>; total: number };

  beforeAll(async () => {
    // Jobs run when the test says so (runClusterJobOnce), not on a timer.
    const env = { CHORUS_WORKERS: 'false' };
    ({ a, b, drop } = await startTwoNodes(kind, { env, now }));
    inbox = await apiInbox(a);
    const agent = await createAgent(a.s.db, clock, { email: 'bo@chorus.test', name: 'Bo Berg', password: 'bo-password', role: 'agent' });
    bo = { id: agent.id, token: await a.s.sessions.createApiToken(agent.id, 'test') };
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    await drop();
  });

  it('hides a ticket snoozed until a time from the views and counts, lists it under Snoozed, and wakes it once when the time comes', async () => {
    const id = await customerWrites('t1', 'My order never came.');
    expect((await a.api('PATCH', `/api/tickets/${id}`, { assigneeId: bo.id })).status).toBe(200);
    const before = await live('open');
    expect(before.ids).toContain(id);

    const until = new Date(clock + 2 * HOUR).toISOString();
    const snoozed = await a.api('POST', `/api/tickets/${id}/snooze`, { until });
    expect(snoozed.status).toBe(200);
    expect(snoozed.body.ticket.snooze).toEqual({ until, untilCustomerAnswers: false });

    const open = await live('open');
    expect(open.ids).not.toContain(id);
    expect(open.counts.open).toBe(before.counts.open - 1);
    expect(open.counts[`inbox:${inbox.id}`] ?? 0).toBe(before.counts[`inbox:${inbox.id}`] - 1);
    expect(open.counts.snoozed).toBe((before.counts.snoozed ?? 0) + 1);
    expect((await a.api('GET', `/inbox/live?view=mine`, undefined, bo.token)).body.ids).not.toContain(id);
    expect((await live('snoozed')).ids).toContain(id);
    expect((await a.api('GET', '/api/tickets?snoozed=exclude')).body.tickets.map((x: any) => x.id)).not.toContain(id);
    expect((await a.api('GET', '/api/tickets?snoozed=only')).body.tickets.map((x: any) => x.id)).toEqual([id]);

    // The assignee is told, on their own socket only.
    const boSocket = await connectSocket(a, { token: bo.token });
    const adminSocket = await connectSocket(a, { token: a.admin.token });
    const adminSaw = recordEvents(adminSocket);
    try {
      clock += HOUR;
      await runClusterJobOnce(a.s, 'snooze.wake', (t) => wakeSnoozedTickets(a.s, t).then(() => undefined));
      expect(await events(id, 'woke')).toEqual([]);

      clock += HOUR + MIN;
      const told = nextEvent(boSocket, 'ticket.woke', (w: any) => w.ticketId === id);
      // Both nodes tick at once: one holds the lease and wakes it; the other must not.
      const ran = await Promise.all([a, b].map((node) => runClusterJobOnce(node.s, 'snooze.wake', (t) => wakeSnoozedTickets(node.s, t).then(() => undefined))));
      expect(ran.filter(Boolean)).toHaveLength(1);
      expect(await told).toEqual({ ticketId: id, subject: 'About t1', reason: 'time', text: 'snooze ended' });
      await settled(a.s, adminSocket, boSocket);
      expect(adminSaw.events.filter(([name]) => name === 'ticket.woke')).toEqual([]);
    } finally {
      boSocket.close();
      adminSocket.close();
    }
    const woke = await events(id, 'woke');
    expect(woke.map((e) => [e.actorType, e.data?.reason, e.data?.cause])).toEqual([['system', 'time', { kind: 'snooze', text: 'snooze ended' }]]);
    expect((await live('open')).ids).toContain(id);
    expect((await live('snoozed')).ids).not.toContain(id);
    const page = await a.api('GET', `/api/tickets/${id}`);
    expect(page.body.ticket.snooze).toBeNull();
  });

  it('wakes once however many nodes run the wake-up at the same moment, lease or not', async () => {
    const ids = [await customerWrites('t2', 'one'), await customerWrites('t3', 'two')];
    for (const id of ids) expect((await a.api('POST', `/api/tickets/${id}/snooze`, { until: new Date(clock + MIN).toISOString() })).status).toBe(200);
    clock += 2 * MIN;
    // The command itself is once-only: two passes over the same due tickets change each once (on
    // Postgres from two nodes; SQLite's writers are one node's, its second node is the CLI).
    const other = kind === 'postgres' ? b : a;
    const woke = await Promise.all([wakeSnoozedTickets(a.s, clock), wakeSnoozedTickets(other.s, clock)]);
    expect(woke[0] + woke[1]).toBe(2);
    for (const id of ids) expect(await events(id, 'woke')).toHaveLength(1);
  });

  it('snoozed until the customer answers: the job leaves it, their answer (channel or web) wakes it and tells the assignee', async () => {
    const id = await customerWrites('t4', 'Can you check my invoice?');
    await a.api('PATCH', `/api/tickets/${id}`, { assigneeId: bo.id, status: 'pending' });
    const r = await a.api('POST', `/api/tickets/${id}/snooze`, { until: 'customer-answers' });
    expect(r.body.ticket.snooze).toEqual({ until: null, untilCustomerAnswers: true });
    clock += 30 * 86_400_000;
    await wakeSnoozedTickets(a.s, clock);
    expect((await live('pending')).ids).not.toContain(id);
    expect((await live('snoozed')).ids).toContain(id);

    const boSocket = await connectSocket(a, { token: bo.token });
    try {
      const told = nextEvent(boSocket, 'ticket.woke', (w: any) => w.ticketId === id);
      await customerWrites('t4', 'Here is the invoice number: 42.');
      expect(await told).toMatchObject({ ticketId: id, reason: 'customer', text: 'customer answered' });
    } finally {
      boSocket.close();
    }
    const woke = await events(id, 'woke');
    expect(woke.map((e) => [e.actorType, e.data?.reason])).toEqual([['contact', 'customer']]);
    expect((await live('open')).ids).toContain(id);

    // The same through the web thread, and a timed snooze is woken by an answer too.
    await a.api('POST', `/api/tickets/${id}/snooze`, { until: new Date(clock + 5 * HOUR).toISOString() });
    const t = (await ticketRepository.findById(a.s.db.m, id))!;
    await contactReply(a.s.commands, { kind: 'contact', contactId: t.requesterId, name: 'Grace' }, id, { text: 'Any news?' });
    expect((await events(id, 'woke')).map((e) => e.data?.reason)).toEqual(['customer', 'customer']);
    expect((await ticketRepository.findById(a.s.db.m, id))!.snoozed).toBeNull();
  });

  it('snoozes from the ticket page and the bulk bar without JavaScript; refused tickets are reported', async () => {
    const agent = new AgentClient(a);
    await agent.signIn(a.admin.email, a.admin.password);
    const id = await customerWrites('t5', 'Page snooze');
    const page = await agent.get(`/tickets/${id}`);
    expect(page.html).toContain(`action="/tickets/${id}/snooze"`);
    const posted = await agent.post(`/tickets/${id}/snooze`, { for: 'at', at: new Date(clock + 3 * HOUR).toISOString().slice(0, 16), tz: 'UTC' });
    expect(posted.status).toBe(303);
    const after = await agent.get(`/tickets/${id}`);
    expect(after.html).toContain('data-snoozed');
    expect(after.html).toMatch(/Snoozed until \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect((await agent.post(`/tickets/${id}/snooze`, { for: 'at', at: 'soon' })).html).toContain('Enter the date and time to snooze until.');
    expect((await agent.post(`/tickets/${id}/unsnooze`, {})).status).toBe(303);
    expect((await ticketRepository.findById(a.s.db.m, id))!.snoozed).toBeNull();
    expect((await agent.get(`/tickets/${id}`)).html).toContain('Snooze ended early');

    const other = await customerWrites('t6', 'Bulk one');
    const solved = await customerWrites('t7', 'Bulk two');
    await a.api('PATCH', `/api/tickets/${solved}`, { status: 'solved' });
    await agent.get('/inbox');
    const bulk = await agent.post('/inbox/bulk', { ids: [String(id), String(other), String(solved)], snooze: 'tomorrow', tz: 'Europe/Berlin' });
    expect(bulk.status).toBe(303);
    const back = await agent.get(bulk.location!);
    expect(back.html).toContain('2 ticket(s) changed.');
    expect(back.html).toContain(`#${solved}</a> A solved ticket cannot be snoozed.`);
    const rows = await ticketRepository.findByIds(a.s.db.m, [id, other, solved]);
    expect(rows.map((r) => [r.id, r.snoozed]).sort()).toEqual([[id, 'time'], [other, 'time'], [solved, null]].sort());
    // "Tomorrow 9:00" in the agent's zone.
    const wake = new Date(rows.find((r) => r.id === id)!.snoozedUntil!);
    expect(wake.toLocaleString('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit' })).toBe('09:00');
    expect((await agent.get('/inbox?view=snoozed')).html).toContain(`data-id="${other}"`);
  });

  it('reads the snoozes that are due from their index, never a scan', async () => {
    const plan = async (sql: string) => JSON.stringify(await a.s.db.ds.transaction(async (m) => {
      // A handful of test rows would make Postgres read the table whole; ask for its index plan.
      if (a.s.db.kind === 'postgres') await m.query('SET LOCAL enable_seqscan = off');
      return m.query(`${a.s.db.kind === 'sqlite' ? 'EXPLAIN QUERY PLAN' : 'EXPLAIN'} ${sql}`);
    }));
    expect(await plan('SELECT t.id FROM tickets t WHERE t.snoozed_until <= 5 ORDER BY t.snoozed_until ASC, t.id ASC LIMIT 200')).toContain('ix_tickets_snooze_due');
  });

  it('refuses a time in the past and a ticket that is solved, naming the field', async () => {
    const id = await customerWrites('t8', 'x');
    const past = await a.api('POST', `/api/tickets/${id}/snooze`, { until: new Date(clock - MIN).toISOString() });
    expect([past.status, past.body.error.details.fields]).toEqual([400, { until: ['Must be in the future.'] }]);
    const bad = await a.api('POST', `/api/tickets/${id}/snooze`, { until: 'later' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/until/);
    // Solving a snoozed ticket ends the snooze: nothing is left to wake.
    await a.api('POST', `/api/tickets/${id}/snooze`, { until: 'customer-answers' });
    await a.api('PATCH', `/api/tickets/${id}`, { status: 'solved' });
    expect((await ticketRepository.findById(a.s.db.m, id))!.snoozed).toBeNull();
    expect((await a.api('POST', `/api/tickets/${id}/snooze`, { until: 'customer-answers' })).status).toBe(409);
  });
});
