import { Ticket } from '../src/db/entities';
import { ticketRepository, type TicketFilters } from '../src/db/repositories/ticket.repository';
import { apiInbox, DB_KINDS, postSigned, startTestChorus, type TestChorus } from './helpers/test-chorus';
import { waitFor } from './helpers/wait';

// The ticket lists are plain SQL hydrated from the entity's metadata: each must return exactly
// what a TypeORM entity read of the same rows returns, on both stores.
describe.each(DB_KINDS)('ticket lists as plain SQL on %s', (db) => {
  let t: TestChorus;
  beforeAll(async () => {
    t = await startTestChorus({ db });
    const inbox = await apiInbox(t);
    for (let i = 0; i < 12; i++) {
      const res = await postSigned(t, inbox, { externalId: `pl-${i}`, author: { id: `c${i % 4}`, name: `C ${i % 4}` }, subject: `Plain ${i}`, text: `Question ${i}` });
      expect(res.status).toBe(202);
    }
    await waitFor(() => t.s.db.m.query('SELECT COUNT(*) AS n FROM tickets'), (r: { n: number | string }[]) => Number(r[0].n) === 12);
    const ids: number[] = (await t.s.db.m.query('SELECT id FROM tickets ORDER BY id')).map((r: { id: number }) => Number(r.id));
    // Variety in every kind of column: times, nulls, JSON, booleans-as-flags, enums.
    await t.s.db.write(async (m) => {
      await m.getRepository(Ticket).update({ id: ids[0] }, { status: 'pending', priority: 'urgent', slaDueAt: Date.now() + 60_000 });
      await m.getRepository(Ticket).update({ id: ids[1] }, { status: 'solved', solvedAt: Date.now(), visibility: 'public' });
      await m.getRepository(Ticket).update({ id: ids[2] }, { assigneeId: t.admin.id, priority: 'high', slaDueAt: Date.now() + 30_000 });
      await m.getRepository(Ticket).update({ id: ids[3] }, { snoozed: 'time', snoozedUntil: Date.now() + 3_600_000 });
      await ticketRepository.addTag(m, ids[4], 'billing');
      await ticketRepository.addTag(m, ids[5], 'billing', true);
    });
  });
  afterAll(() => t.stop());

  const entityRead = async (ids: number[]) => (ids.length ? t.s.db.m.getRepository(Ticket).findBy(ids.map((id) => ({ id }))) : []);

  it.each<[string, TicketFilters]>([
    ['everything', {}],
    ['one status', { status: ['new'] }],
    ['several statuses', { status: ['new', 'pending', 'solved'] }],
    ['unassigned', { assigneeId: null }],
    ['assigned', { assigneeId: -1 }],
    ['a tag', { tag: 'billing' }],
    ['public', { visibility: 'public' }],
    ['with a deadline', { hasSla: true }],
    ['snoozed', { snoozed: true }],
    ['some ids', { ids: [1, 3, 5, 99] }],
    ['no ids', { ids: [] }],
  ])('%s: the same tickets, fields and order as an entity read', async (_name, filters) => {
    // -1 stands for the signed-in admin, known only once the node runs.
    const f = filters.assigneeId === -1 ? { ...filters, assigneeId: t.admin.id } : filters;
    const got = await ticketRepository.list(t.s.db.m, f, 50);
    const want = new Map((await entityRead(got.map((x) => x.id))).map((x) => [x.id, x]));
    expect(got.length).toBe(want.size);
    for (const x of got) {
      expect(x).toBeInstanceOf(Ticket);
      expect(x).toEqual(want.get(x.id));
    }
    // Newest activity first, as the inbox shows it.
    const order = [...got].sort((a, b) => b.lastActivityAt - a.lastActivityAt || b.id - a.id).map((x) => x.id);
    expect(got.map((x) => x.id)).toEqual(order);
    expect(await ticketRepository.count(t.s.db.m, f)).toBe(got.length);
    if (f.ids?.length === 0) expect(got).toEqual([]);
    else expect(got.length).toBeGreaterThan(0);
  });

  it('pages with the cursor, and counts up to a cap', async () => {
    const first = await ticketRepository.list(t.s.db.m, {}, 5);
    const last = first[first.length - 1];
    const next = await ticketRepository.list(t.s.db.m, {}, 5, { at: last.lastActivityAt, id: last.id });
    expect(next.some((x) => first.some((y) => y.id === x.id))).toBe(false);
    expect([...first, ...next].map((x) => x.id)).toEqual((await ticketRepository.list(t.s.db.m, {}, 10)).map((x) => x.id));
    expect(await ticketRepository.countUpTo(t.s.db.m, {}, 3)).toBe(4);
    expect(await ticketRepository.countUpTo(t.s.db.m, {}, 100)).toBe(12);
  });

  it('orders by deadline, then the rest by activity', async () => {
    const got = await ticketRepository.listOrdered(t.s.db.m, { status: ['new', 'pending'] }, 'sla', 20, 0);
    const due = got.filter((x) => x.slaDueAt !== null);
    expect(due.map((x) => x.slaDueAt)).toEqual([...due.map((x) => x.slaDueAt)].sort((a, b) => a! - b!));
    expect(got.slice(0, due.length)).toEqual(due);
  });
});
