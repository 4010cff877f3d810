import { autoCloseSolvedTickets } from '../src/automation/auto-close/auto-close.job';
import { ticketEventRepository } from '../src/db/repositories/ticket-event.repository';
import { ticketRepository } from '../src/db/repositories/ticket.repository';
import { runClusterJobOnce } from '../src/jobs/cluster-job';
import { AgentClient } from './helpers/agent-client';
import { apiInbox, DB_KINDS, postSigned, startTestChorus, type TestChorus } from './helpers/test-chorus';

const DAY = 86_400_000;

// Solved tickets close by themselves after the inbox's auto-close days, once per cluster, with a
// TicketEvent that says why; a ticket reopened meanwhile is not closed on the old clock.
describe.each(DB_KINDS)('auto-close of solved tickets (%s)', (db) => {
  let t: TestChorus;
  let clock = Date.now();
  let n = 0;
  let inbox: Awaited<ReturnType<typeof apiInbox>>;
  let quiet: Awaited<ReturnType<typeof apiInbox>>;
  // A customer writes on conversation `key` of an inbox; the ticket id.
  const write = async (into: typeof inbox, key: string) => {
    const r = await postSigned(t, into, { externalId: `m-${++n}`, threadKey: key, author: { id: `u-${key}`, email: `${key}@example.com` }, subject: `Question ${key}`, text: 'Help' });
    return r.body.ticketId as number;
  };
  const status = async (id: number) => (await ticketRepository.findById(t.s.db.m, id))!.status;
  const tick = () => runClusterJobOnce(t.s, 'tickets.auto-close', (now) => autoCloseSolvedTickets(t.s, now).then(() => undefined));

  beforeAll(async () => {
    t = await startTestChorus({ db, env: { CHORUS_WORKERS: 'false' }, now: () => clock });
    inbox = await apiInbox(t);
    quiet = await apiInbox(t);
  });
  afterAll(async () => t.stop());

  it('is set per inbox through the API and the admin form, naming a bad value', async () => {
    const patched = await t.api('PATCH', `/api/inboxes/${inbox.id}`, { autoCloseDays: 7 });
    expect([patched.status, patched.body.inbox.autoCloseDays]).toEqual([200, 7]);
    const bad = await t.api('PATCH', `/api/inboxes/${inbox.id}`, { autoCloseDays: 0 });
    expect([bad.status, Object.keys(bad.body.error.details.fields)]).toEqual([400, ['autoCloseDays']]);

    const admin = new AgentClient(t);
    await admin.signIn(t.admin.email, t.admin.password);
    const page = await admin.get('/admin/inboxes');
    expect(page.html).toContain(`name="autoCloseDays" form="inbox-${quiet.id}"`);
    expect((await admin.post(`/admin/inboxes/${quiet.id}`, { autoCloseDays: '3', firstResponseMinutes: '' })).status).toBe(303);
    expect((await t.api('GET', '/api/inboxes')).body.inboxes.find((i: any) => i.id === quiet.id).autoCloseDays).toBe(3);
    expect((await admin.post(`/admin/inboxes/${quiet.id}`, { autoCloseDays: '', firstResponseMinutes: '' })).status).toBe(303);
    expect((await t.api('GET', '/api/inboxes')).body.inboxes.find((i: any) => i.id === quiet.id).autoCloseDays).toBeNull();
  });

  it('closes a ticket solved for N days with the cause on the ticket, and leaves one reopened meanwhile', async () => {
    const solved = await write(inbox, 'a1');
    const reopened = await write(inbox, 'a2');
    const elsewhere = await write(quiet, 'q1');
    for (const id of [solved, reopened, elsewhere]) await t.api('PATCH', `/api/tickets/${id}`, { status: 'solved' });
    const solvedAt = clock;

    // Two days later the customer answers the second one, which an agent solves again a day after.
    clock += 2 * DAY;
    expect(await write(inbox, 'a2')).toBe(reopened);
    expect(await status(reopened)).toBe('open');
    clock += DAY;
    await t.api('PATCH', `/api/tickets/${reopened}`, { status: 'solved' });

    clock = solvedAt + 7 * DAY - 60_000;
    expect(await tick()).toBe(true);
    expect(await status(solved)).toBe('solved');

    clock = solvedAt + 7 * DAY + 60_000;
    await tick();
    expect([await status(solved), await status(reopened), await status(elsewhere)]).toEqual(['closed', 'solved', 'solved']);
    const events = (await ticketEventRepository.listByTicket(t.s.db.m, solved)).filter((e) => e.type === 'status' && e.data?.to === 'closed');
    expect(events.map((e) => [e.actorType, e.data])).toEqual([['system', {
      from: 'solved', to: 'closed', reason: 'closed automatically: solved for 7 days (inbox setting)', cause: { kind: 'auto-close', days: 7, inboxId: inbox.id },
    }]]);
    const admin = new AgentClient(t);
    await admin.signIn(t.admin.email, t.admin.password);
    expect((await admin.get(`/tickets/${solved}`)).html).toContain('Closed automatically: solved for 7 days (inbox setting)');

    // The reopened one closes seven days after it was solved again, once.
    clock = solvedAt + 10 * DAY + 60_000;
    await tick();
    await tick();
    expect(await status(reopened)).toBe('closed');
    expect((await ticketEventRepository.listByTicket(t.s.db.m, reopened)).filter((e) => e.data?.cause?.kind === 'auto-close')).toHaveLength(1);
  });

  it('reads the due tickets from an index, never a scan', async () => {
    const sql = t.s.db.kind === 'sqlite'
      ? "EXPLAIN QUERY PLAN SELECT t.id FROM tickets t WHERE t.status = 'solved' AND t.inbox_id = 1 AND t.solved_at <= 5 AND t.merged_into_id IS NULL ORDER BY t.solved_at ASC, t.id ASC LIMIT 200"
      : "EXPLAIN SELECT t.id FROM tickets t WHERE t.status = 'solved' AND t.inbox_id = 1 AND t.solved_at <= 5 AND t.merged_into_id IS NULL ORDER BY t.solved_at ASC, t.id ASC LIMIT 200";
    // A handful of test rows would make Postgres read the table whole; ask it for its index plan.
    const plan = JSON.stringify(await t.s.db.ds.transaction(async (m) => {
      if (t.s.db.kind === 'postgres') await m.query('SET LOCAL enable_seqscan = off');
      return m.query(sql);
    }));
    expect(plan).toContain('ix_tickets_status_inbox_solved');
  });
});
