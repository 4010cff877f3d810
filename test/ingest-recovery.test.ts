import type { InboundMessage } from '../src/channels/inbound-message';
import { inboundItemRepository } from '../src/db/repositories/inbound-item.repository';
import { createInbox } from '../src/inboxes/create-inbox';
import { DB_KINDS, startTestChorus, type TestChorus } from './helpers/test-chorus';
import { until } from './helpers/wait';

// Continuous recovery (DESIGN §4): rows a crash left unfinished are processed by the running
// nodes without a restart, a redelivered stuck key is processed, failed rows are retried a few
// times with growing waits (never in a hot loop), and two nodes sweeping at once land each row once.
const RAW = 'test.recovery';
const LEASE = 600;
let hold: Promise<void> | null = null;
const testModule = {
  name: 'test-recovery-channel',
  register: (s: TestChorus['s']) =>
    s.parsers.register({
      channels: ['email'],
      parsers: {
        [RAW]: async (raw: string) => {
          const msg = JSON.parse(raw) as InboundMessage & { fail?: boolean; hold?: boolean };
          if (msg.hold && hold) await hold;
          if (msg.fail) throw new Error('always fails');
          return msg;
        },
      },
    }),
};

describe.each(DB_KINDS)('ingest recovery (%s)', (db) => {
  const nodes: TestChorus[] = [];
  let n = 0;
  const raw = (extra: Record<string, unknown> = {}) => JSON.stringify({ channel: 'email', author: { kind: 'email', value: `r${++n}@x.test` }, text: `recover me ${n}`, ...extra });
  const start = async (env: Record<string, string>, dbUrl?: string) => {
    const { modules } = await import('../src/modules');
    const t = await startTestChorus({ db, dbUrl, modules: [...modules, testModule as never], env: { CHORUS_INGEST_LEASE_MS: String(LEASE), ...env } });
    nodes.push(t);
    return t;
  };
  const messagesOf = async (t: TestChorus, itemId: number) =>
    Number((await t.s.db.m.query(`SELECT COUNT(*) AS n FROM messages WHERE inbound_item_id = ${itemId}`))[0].n);
  afterAll(async () => {
    for (const t of nodes.reverse()) await t.stop();
  });

  describe('with background workers', () => {
    let t: TestChorus;
    let inbox: Awaited<ReturnType<typeof createInbox>>;
    beforeAll(async () => {
      t = await start({ CHORUS_INGEST_SWEEP_MS: '100' });
      inbox = await createInbox(t.s.db, Date.now(), { name: 'Recovery', channel: 'email', address: 'recovery@acme.test' });
    });

    it('processes rows a crash left `received`, claimed or not, while the node keeps running', async () => {
      // Recorded and acknowledged, then the process died: one never claimed, one claimed by the dead worker.
      const recorded = await t.s.ingest.record(inbox, [1, 2, 3].map((i) => ({ key: `crash-${i}`, raw: raw(), rawType: RAW })));
      await t.s.db.write((m) => inboundItemRepository.update(m, recorded[1].id, { attempts: 1, claimedAt: Date.now() }));
      for (const r of recorded) {
        const row = await until(`item ${r.id} processed`, async () => {
          const x = await inboundItemRepository.findById(t.s.db.m, r.id);
          return x?.state === 'processed' && x;
        });
        expect(row.messageId).toEqual(expect.any(Number));
        expect(await messagesOf(t, r.id)).toBe(1);
      }
    });

    it('processes a redelivered key whose row is stuck, and reports it as a redelivery', async () => {
      const [r] = await t.s.ingest.record(inbox, [{ key: 'stuck-1', raw: raw(), rawType: RAW }]);
      const [again] = await t.s.ingest.ingest(inbox, [{ key: 'stuck-1', raw: raw(), rawType: RAW }]);
      expect(again).toMatchObject({ itemId: r.id, duplicate: true, state: 'processed', messageId: expect.any(Number) });
      expect(await messagesOf(t, r.id)).toBe(1);
    });

    it('keeps a slow worker\'s claim alive past the lease, so nobody else processes the row meanwhile', async () => {
      let release = () => {};
      hold = new Promise<void>((ok) => (release = ok));
      const [r] = await t.s.ingest.record(inbox, [{ key: 'slow-1', raw: raw({ hold: true }), rawType: RAW }]);
      const first = t.s.ingest.process(r.id);
      await until('the claim', async () => (await inboundItemRepository.findById(t.s.db.m, r.id))?.claimedAt);
      // Three leases later the first worker still holds the row: sweeps and a redelivery leave it alone.
      await new Promise((ok) => setTimeout(ok, 3 * LEASE));
      const [again] = await t.s.ingest.ingest(inbox, [{ key: 'slow-1', raw: raw(), rawType: RAW }]);
      expect(again).toMatchObject({ state: 'received', messageId: null });
      expect((await inboundItemRepository.findById(t.s.db.m, r.id))!.attempts).toBe(1);
      hold = null;
      release();
      expect(await first).toMatchObject({ state: 'processed' });
      expect(await messagesOf(t, r.id)).toBe(1);
    });
  });

  describe('one sweep', () => {
    let t: TestChorus;
    let inbox: Awaited<ReturnType<typeof createInbox>>;
    const stuck = async (count: number, prefix: string) => {
      const recorded = await t.s.ingest.record(inbox, Array.from({ length: count }, (_, i) => ({ key: `${prefix}-${i}`, raw: raw(), rawType: RAW })));
      // Past the lease, as after a crash some time ago.
      await t.s.db.m.query(`UPDATE inbound_items SET received_at = ${Date.now() - 10 * LEASE} WHERE id IN (${recorded.map((r) => r.id).join(',')})`);
      return recorded;
    };
    beforeAll(async () => {
      t = await start({ CHORUS_WORKERS: 'false' });
      inbox = await createInbox(t.s.db, Date.now(), { name: 'Sweep', channel: 'email', address: 'sweep@acme.test' });
    });

    it('takes every stuck row however many there are, page after page, oldest first', async () => {
      const recorded = await stuck(25, 'page');
      const r = await t.s.ingest.recover({ pageSize: 7 });
      expect(r).toMatchObject({ seen: 25, byState: { processed: 25 } });
      const rows = await Promise.all(recorded.map((x) => inboundItemRepository.findById(t.s.db.m, x.id)));
      expect(rows.every((x) => x!.state === 'processed')).toBe(true);
      const order = rows.map((x) => x!.processedAt!);
      expect([...order].sort((a, b) => a - b)).toEqual(order);
    });

    it('leaves fresh rows to the worker that recorded them', async () => {
      const [fresh] = await t.s.ingest.record(inbox, [{ key: 'fresh-1', raw: raw(), rawType: RAW }]);
      expect((await t.s.ingest.recover()).seen).toBe(0);
      expect((await inboundItemRepository.findById(t.s.db.m, fresh.id))!.state).toBe('received');
      await t.s.ingest.process(fresh.id);
    });

    it('retries a failed row a few times with growing waits, then leaves it for a replay', async () => {
      const [r] = await t.s.ingest.ingest(inbox, [{ key: 'fails-1', raw: raw({ fail: true }), rawType: RAW }]);
      expect(r.state).toBe('failed');
      const row = async () => (await inboundItemRepository.findById(t.s.db.m, r.itemId))!;
      const waits: number[] = [];
      for (let attempt = 1; attempt <= 4; attempt++) {
        const x = await row();
        expect(x.attempts).toBe(attempt);
        // Not due yet: a sweep leaves it alone (no hot loop).
        expect((await t.s.ingest.recover()).seen).toBe(0);
        if (attempt === 4) {
          expect(x.retryAt).toBeNull();
          break;
        }
        waits.push(x.retryAt! - Date.now());
        await t.s.db.write((m) => inboundItemRepository.update(m, x.id, { retryAt: Date.now() - 1 }));
        expect(await t.s.ingest.recover()).toMatchObject({ seen: 1, byState: { failed: 1 } });
      }
      expect(waits[0]).toBeGreaterThan(LEASE);
      expect(waits[1]).toBeGreaterThan(3 * waits[0]);
      expect(waits[2]).toBeGreaterThan(3 * waits[1]);
      // Still listed as failed for the admin page and `chorus ingest:replay`.
      expect((await inboundItemRepository.listByState(t.s.db.m, 'failed', 100)).map((x) => x.id)).toContain(r.itemId);
    });

    it('rolls back a worker that stalled past its lease and was taken over', async () => {
      let release = () => {};
      hold = new Promise<void>((ok) => (release = ok));
      const [r] = await t.s.ingest.record(inbox, [{ key: 'taken-1', raw: raw({ hold: true }), rawType: RAW }]);
      const first = t.s.ingest.process(r.id);
      const claimed = await until('the claim', async () => inboundItemRepository.findById(t.s.db.m, r.id).then((x) => (x?.claimedAt ? x : null)));
      // Another worker takes the row over (as after a stall longer than the lease).
      await t.s.db.write((m) => inboundItemRepository.update(m, r.id, { attempts: claimed.attempts + 1, claimedAt: Date.now() }));
      hold = null;
      release();
      expect(await first).toMatchObject({ state: 'received', messageId: null });
      expect(await messagesOf(t, r.id)).toBe(0);
      await t.s.db.write((m) => inboundItemRepository.update(m, r.id, { claimedAt: null }));
      expect(await t.s.ingest.process(r.id)).toMatchObject({ state: 'processed' });
      expect(await messagesOf(t, r.id)).toBe(1);
    });

    it('lands each stuck row once when two workers sweep at the same time', async () => {
      const recorded = await stuck(40, 'both');
      // On Postgres a second node on the same database; on SQLite a second sweep of the same node.
      const other = db === 'postgres' ? await start({ CHORUS_WORKERS: 'false' }, t.dbUrl) : t;
      const [a, b] = await Promise.all([t.s.ingest.recover({ pageSize: 10 }), other.s.ingest.recover({ pageSize: 10 })]);
      expect((a.byState.processed ?? 0) + (b.byState.processed ?? 0)).toBeGreaterThanOrEqual(40);
      for (const x of recorded) expect(await messagesOf(t, x.id)).toBe(1);
    });
  });
});
