import { createSlaPolicy } from '../src/automation/sla/save-sla-policy';
import { runSlaSweep } from '../src/automation/sla/sla-sweep';
import { SLA_SWEEP_JOB } from '../src/automation/sla/sla.module';
import { ticketEventRepository } from '../src/db/repositories/ticket-event.repository';
import { runClusterJobOnce } from '../src/jobs/cluster-job';
import { DB_KINDS, freshPostgres, startTestChorus, type TestChorus } from './helpers/test-chorus';

const MIN = 60_000;

// Two app instances on one Postgres (the scale-out setup): each SLA warning and breach fires
// once for the cluster, from whichever node holds the sweep's lease — and once even when both
// sweep at the same moment. (SQLite is one process; the SLA suite covers it.)
const PG = DB_KINDS.filter((k) => k === 'postgres');
(PG.length ? describe.each(PG) : describe.skip.each(['postgres' as const]))('SLA sweep on two nodes (%s)', () => {
  let a: TestChorus;
  let b: TestChorus;
  let drop = async () => {};
  const T0 = Date.UTC(2026, 2, 2, 8, 0);
  let clock = T0;
  const now = () => clock;
  const fired: string[] = [];

  beforeAll(async () => {
    const env = { CHORUS_WORKERS: 'false' };
    const pg = await freshPostgres();
    drop = pg.drop;
    a = await startTestChorus({ dbUrl: pg.url, env, now });
    b = await startTestChorus({ dbUrl: pg.url, env, now });
    for (const [name, node] of [['a', a], ['b', b]] as const) {
      node.s.bus.on('sla.warning', (p) => void fired.push(`${name}:warning:${p.ticketId}`));
      node.s.bus.on('sla.breached', (p) => void fired.push(`${name}:breached:${p.ticketId}`));
    }
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    await drop();
  });

  it('fires each warning and breach once, whichever node sweeps', async () => {
    const inbox = (await a.api('POST', '/api/inboxes', { name: 'Desk', channel: 'webform', settings: { slug: 'desk' } })).body.inbox;
    await createSlaPolicy(a.s.db, T0, { name: 'Desk 30m', conditions: { inboxIds: [inbox.id] }, firstResponseMinutes: 30, warnBeforeMinutes: 10, businessHours: false });
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push((await b.api('POST', '/api/tickets', { inboxId: inbox.id, subject: `Help ${i}`, requester: { email: `c${i}@client.test` } })).body.ticket.id);
    const sweep = (node: TestChorus) => (at: number) => runSlaSweep(node.s, at).then(() => undefined);

    clock = T0 + 21 * MIN;
    const ran = await Promise.all([runClusterJobOnce(a.s, SLA_SWEEP_JOB, sweep(a)), runClusterJobOnce(b.s, SLA_SWEEP_JOB, sweep(b))]);
    expect(ran.filter(Boolean)).toHaveLength(1);
    // Even two sweeps at once (a lease that moved mid-run) fire nothing twice.
    await Promise.all([runSlaSweep(a.s, clock), runSlaSweep(b.s, clock)]);
    clock = T0 + 31 * MIN;
    await Promise.all([runSlaSweep(a.s, clock), runSlaSweep(b.s, clock), runSlaSweep(a.s, clock)]);
    await Promise.all([a.s.bus.drain(), b.s.bus.drain()]);

    for (const id of ids) {
      const types = (await ticketEventRepository.listByTicket(a.s.db.m, id)).filter((e) => e.type.startsWith('sla.')).map((e) => e.type);
      expect(types).toEqual(['sla.warning', 'sla.breached']);
      expect(fired.filter((f) => f.endsWith(`:${id}`)).map((f) => f.split(':')[1])).toEqual(['warning', 'breached']);
    }
  });
});
