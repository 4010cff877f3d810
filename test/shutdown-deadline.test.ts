import type { ChorusModule } from '../src/module';
import { startTestChorus } from './helpers/test-chorus';

// Stopping a node is bounded: a part that never finishes stopping is left behind after its
// deadline, and the rest (the database last) still closes.
describe('shutdown with a part that never stops', () => {
  it('goes on past the stuck part and still closes the database', async () => {
    const { modules } = await import('../src/modules');
    const stuck: ChorusModule = { name: 'stuck', start: async () => () => new Promise<void>(() => {}) };
    const t = await startTestChorus({ modules: [...modules, stuck] });
    try {
      expect((await t.api('GET', '/api/tickets')).status).toBe(200);
    } finally {
      await t.stop();
    }
    expect(t.s.db.ds.isInitialized).toBe(false);
  }, 30_000);
});
