import { jobLeaseRepository } from '../src/db/repositories/job-lease.repository';
import { runClusterJobOnce, startClusterJob } from '../src/jobs/cluster-job';
import { DB_KINDS, startTwoNodes, type TestChorus } from './helpers/test-chorus';
import { until } from './helpers/wait';

// Two nodes on one store: a once-per-cluster job runs on one of them, and moves when that one
// stops or goes quiet past its lease.
describe.each(DB_KINDS)('cluster jobs (%s)', (kind) => {
  let a: TestChorus;
  let b: TestChorus;
  let drop = async () => {};
  let clock = Date.UTC(2026, 5, 1);
  const now = () => clock;

  beforeAll(async () => {
    const env = { CHORUS_WORKERS: 'false' };
    ({ a, b, drop } = await startTwoNodes(kind, { env, now }));
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    await drop();
  });

  it('runs a tick on one node only, and on the other once the lease runs out', async () => {
    const ran: string[] = [];
    const [ra, rb] = await Promise.all([
      runClusterJobOnce(a.s, 'test.once', async () => void ran.push('a'), 10_000),
      runClusterJobOnce(b.s, 'test.once', async () => void ran.push('b'), 10_000),
    ]);
    expect([ra, rb].filter(Boolean)).toHaveLength(1);
    expect(ran).toHaveLength(1);
    const first = ra ? a : b;
    const second = ra ? b : a;
    // The holder keeps its job on the next tick; the other node is still refused.
    expect(await runClusterJobOnce(second.s, 'test.once', async () => void ran.push('x'), 10_000)).toBe(false);
    expect(await runClusterJobOnce(first.s, 'test.once', async () => void ran.push('again'), 10_000)).toBe(true);
    clock += 31_000; // past the lease (3 × interval, at least 15 s)
    expect(await runClusterJobOnce(second.s, 'test.once', async () => void ran.push('took over'), 10_000)).toBe(true);
    expect(ran.slice(1)).toEqual(['again', 'took over']);
  });

  it('records a failing tick and hands the lease back when a node stops its job', async () => {
    expect(await runClusterJobOnce(a.s, 'test.fails', async () => { throw new Error('no such ticket 42'); })).toBe(true);
    expect((await jobLeaseRepository.find(a.s.db.m, 'test.fails'))!.lastError).toBe('no such ticket 42');

    // startClusterJob only runs on worker nodes; these nodes are not, so nothing ran.
    const stopNoop = startClusterJob(a.s, 'test.loop', 50, async () => { throw new Error('must not run'); });
    await stopNoop();
    expect(await jobLeaseRepository.find(a.s.db.m, 'test.loop')).toBeNull();

    // A worker's loop takes the lease, ticks, and releases it on stop so the other node can run.
    (a.s.config as { CHORUS_WORKERS: boolean }).CHORUS_WORKERS = true;
    let ticks = 0;
    const stop = startClusterJob(a.s, 'test.loop', 50, async () => void ticks++);
    await until('two ticks of the job', async () => ticks >= 2);
    await stop();
    (a.s.config as { CHORUS_WORKERS: boolean }).CHORUS_WORKERS = false;
    expect((await jobLeaseRepository.find(a.s.db.m, 'test.loop'))!.holder).toBeNull();
    expect(await runClusterJobOnce(b.s, 'test.loop', async () => undefined, 50)).toBe(true);
  });
});
