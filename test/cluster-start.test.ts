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
