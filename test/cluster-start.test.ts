import { freshPostgres, startTestChorus, type TestChorus } from './helpers/test-chorus';

const pgOnly = process.env.TEST_DATABASE_URL ? describe : describe.skip;

// What a cluster does at start: nodes migrating one empty database together, and a Redis that
// is not there.
pgOnly('starting a cluster on Postgres', () => {
  it('brings up three nodes started together on one empty database', async () => {
    const pg = await freshPostgres();
    const nodes: TestChorus[] = [];
    try {
      const started = await Promise.allSettled([0, 1, 2].map(() => startTestChorus({ dbUrl: pg.url, env: { CHORUS_WORKERS: 'false' } })));
      for (const r of started) if (r.status === 'fulfilled') nodes.push(r.value);
      expect(started.map((r) => (r.status === 'rejected' ? String(r.reason) : 'up'))).toEqual(['up', 'up', 'up']);
      // All three serve the same, fully migrated store.
      for (const n of nodes) expect((await n.api('GET', '/api/inboxes')).status).toBe(200);
    } finally {
      for (const n of nodes) await n.stop();
      await pg.drop();
    }
  });
});

pgOnly('rate limits in a cluster', () => {
  let a: TestChorus;
  let b: TestChorus;
  let drop = async () => {};
  beforeAll(async () => {
    const pg = await freshPostgres();
    drop = pg.drop;
    a = await startTestChorus({ dbUrl: pg.url, env: { CHORUS_WORKERS: 'false' } });
    b = await startTestChorus({ dbUrl: pg.url, env: { CHORUS_WORKERS: 'false' } });
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    await drop();
  });
  const login = (t: TestChorus, email: string, password: string) =>
    fetch(`${t.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  const signinLink = (t: TestChorus, email: string) =>
    fetch(`${t.url}/signin`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ email }) });

  it('counts failed sign-ins once for all nodes, not once per node', async () => {
    const statuses: number[] = [];
    // Ten wrong passwords, alternating between the nodes: the allowance is used up for both.
    for (let i = 0; i < 10; i++) statuses.push((await login(i % 2 ? b : a, 'guess@chorus.test', 'wrong')).status);
    expect(statuses).toEqual(Array(10).fill(401));
    for (const t of [a, b]) {
      const refused = await login(t, 'guess@chorus.test', 'wrong');
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(800);
    }
  });

  it('counts sign-in links once for all nodes', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 7; i++) codes.push((await signinLink(i % 2 ? b : a, 'quinn@customer.test')).status);
    expect(codes).toEqual([200, 200, 200, 200, 200, 429, 429]);
  });
});

describe('an unreachable REDIS_URL', () => {
  it('is a start-up error naming the URL, not endless warnings', async () => {
    const warnings: string[] = [];
    const warn = jest.spyOn(console, 'warn').mockImplementation((...a) => void warnings.push(a.join(' ')));
    try {
      // Port 9 (discard) on loopback: nothing listens, so the connection is refused.
      await expect(startTestChorus({ env: { REDIS_URL: 'redis://user:secret@127.0.0.1:9', CHORUS_WORKERS: 'false' } }))
        .rejects.toThrow(/^REDIS_URL redis:\/\/127\.0\.0\.1:9 is unreachable \(.*\); start Redis or unset REDIS_URL/);
    } finally {
      warn.mockRestore();
    }
    expect(warnings).toEqual([]);
  });
});
