import { DB_KINDS, apiInbox, postSigned, startTestChorus, type TestChorus } from './helpers/test-chorus';

// Group commit (src/ingest/ledger-batch.ts): concurrent senders share one ledger transaction and
// none of them is answered before it commits.
describe.each(DB_KINDS)('ledger group commit (%s)', (db) => {
  let t: TestChorus;
  beforeAll(async () => {
    t = await startTestChorus({ db });
  });
  afterAll(async () => t.stop());

  const rows = async (prefix: string) =>
    Number((await t.s.db.m.query(`SELECT COUNT(*) AS n FROM inbound_items WHERE idempotency_key LIKE '%:api:${prefix}%'`))[0].n);

  it('answers every concurrent post 2xx with its own committed row and ticket', async () => {
    const inbox = await apiInbox(t);
    const res = await Promise.all(Array.from({ length: 12 }, (_, i) => postSigned(t, inbox, { externalId: `gc-${i}`, author: { id: `gc-u${i}` }, text: `hello ${i}` })));
    expect(res.map((r) => r.status)).toEqual(Array(12).fill(202));
    expect(new Set(res.map((r) => r.body.ticketId)).size).toBe(12);
    expect(await rows('gc-')).toBe(12);
  });

  it('acknowledges no one when the group commit fails: every waiter gets an error, no row is left', async () => {
    const inbox = await apiInbox(t);
    const dbh = t.s.db;
    const original = dbh.transaction;
    // The commit of any ledger transaction fails (a full disk): the work ran, the commit did not.
    dbh.transaction = (async (fn: Parameters<typeof original>[0]) => original.call(dbh, async (tx) => {
      await fn(tx);
      throw new Error('disk full');
    })) as typeof original;
    try {
      const res = await Promise.all(Array.from({ length: 8 }, (_, i) => postSigned(t, inbox, { externalId: `fail-${i}`, author: { id: `f${i}` }, text: 'x' })));
      for (const r of res) expect(r.status).toBeGreaterThanOrEqual(500);
    } finally {
      dbh.transaction = original;
    }
    expect(await rows('fail-')).toBe(0);
  });

  it('a bad item in a group fails only its own sender', async () => {
    const inbox = await apiInbox(t);
    const good = (k: string) => t.s.ingest.record(inbox, [{ key: `api:mix-${k}`, raw: '{}', rawType: 'api' }]);
    // raw is NOT NULL: this item's insert fails inside the shared transaction.
    const bad = t.s.ingest.record(inbox, [{ key: 'api:mix-bad', raw: null as unknown as string, rawType: 'api' }]);
    const out = await Promise.allSettled([good('a'), bad, good('b'), good('c'), good('b')]);
    expect(out.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
    const [a, , b, c, b2] = out.map((o) => (o.status === 'fulfilled' ? o.value[0] : null));
    expect([a!.duplicate, b!.duplicate, c!.duplicate]).toEqual([false, false, false]);
    // The same key twice in one group is one row; the later sender hears it is a duplicate.
    expect(b2).toMatchObject({ id: b!.id, duplicate: true });
    expect(await rows('mix-')).toBe(3);
  });
});
