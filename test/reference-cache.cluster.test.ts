import { agentRepository } from '../src/db/repositories/agent.repository';
import { inboxRepository } from '../src/db/repositories/inbox.repository';
import { macroRepository } from '../src/db/repositories/macro.repository';
import { referenceCache } from '../src/db/repositories/reference-cache';
import { agentSession } from './helpers/sockets';
import { waitFor } from './helpers/wait';
import { DB_KINDS, apiInbox, freshPostgres, startTestChorus, startTwoNodes, type TestChorus } from './helpers/test-chorus';

// Each node caches agents, teams, inboxes, macros (reference-cache.ts). A change made on node A
// must reach node B's pages well before the cache's own expiry (30 s): B is told through the
// socket.io adapter. Redis on SQLite and on Postgres (TEST_REDIS_URL), and the Postgres adapter
// without Redis (TEST_DATABASE_URL).
const setups: [string, () => Promise<{ a: TestChorus; b: TestChorus; drop: () => Promise<void> }>][] = [];
if (process.env.TEST_REDIS_URL) {
  for (const kind of DB_KINDS) {
    setups.push([`redis adapter, ${kind}`, () => startTwoNodes(kind, { env: { REDIS_URL: process.env.TEST_REDIS_URL!, REDIS_CHANNEL_PREFIX: `chorus-refcache-${process.pid}-${kind}-${Math.random().toString(36).slice(2, 8)}` } })]);
  }
}
if (process.env.TEST_DATABASE_URL) {
  setups.push(['postgres adapter', async () => {
    const pg = await freshPostgres();
    const a = await startTestChorus({ dbUrl: pg.url });
    const b = await startTestChorus({ dbUrl: pg.url });
    return { a, b, drop: pg.drop };
  }]);
}
const cluster = setups.length ? describe.each(setups) : describe.skip.each([['none', async () => ({}) as never]] as typeof setups);
// Well under the cache's expiry: only the message from node A can make B fresh this soon.
const SOON_MS = 8_000;

cluster('reference lists cached per node (%s)', (_name, start) => {
  let a: TestChorus;
  let b: TestChorus;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ a, b, drop } = await start());
  });
  afterAll(async () => {
    await a.stop();
    await b.stop();
    await drop();
  });

  it('serves repeated reads on a node from its cache', async () => {
    const cache = referenceCache(b.s.db.m);
    await agentRepository.list(b.s.db.m);
    const before = cache.loads.get('agents') ?? 0;
    for (let i = 0; i < 5; i++) await agentRepository.list(b.s.db.m);
    await agentRepository.findById(b.s.db.m, b.admin.id);
    expect(cache.loads.get('agents') ?? 0).toBe(before);
  });

  it("answers from node B's list whether an address is an agent's (ingest's question), and learns of one added on node A", async () => {
    const cache = referenceCache(b.s.db.m);
    const email = `fw-${Math.random().toString(36).slice(2, 7)}@chorus.test`;
    expect(await agentRepository.findByEmail(b.s.db.m, email, { cached: true })).toBeNull();
    const loads = cache.loads.get('agents') ?? 0;
    // A miss, in any case, is answered from the list: no read of its own.
    const reads = jest.spyOn(b.s.db.m, 'getRepository');
    try {
      expect(await agentRepository.findByEmail(b.s.db.m, email.toUpperCase(), { cached: true })).toBeNull();
      expect(reads).not.toHaveBeenCalled();
    } finally {
      reads.mockRestore();
    }
    expect(cache.loads.get('agents') ?? 0).toBe(loads);
    const id = (await a.api('POST', '/api/agents', { email, name: 'Fiona Forward', password: 'fiona-password' })).body.agent.id as number;
    const found = await waitFor(() => agentRepository.findByEmail(b.s.db.m, email.toUpperCase(), { cached: true }), (x) => x?.id === id, SOON_MS);
    expect(found).toMatchObject({ id, email, name: 'Fiona Forward' });
  });

  it('shows on node B an agent, team, inbox and macro changed on node A', async () => {
    const inbox = await apiInbox(a);
    const agent = (await a.api('POST', '/api/agents', { email: `rc-${Math.random().toString(36).slice(2, 7)}@chorus.test`, name: 'Renata Old', password: 'renata-password' })).body.agent.id as number;
    // B reads each list once (its cache now holds them) and sees what A made.
    await waitFor(() => b.api('GET', '/api/agents'), (r) => r.body.agents.some((x: any) => x.id === agent && x.name === 'Renata Old'));
    const teamsBefore = (await agentRepository.listTeams(b.s.db.m)).map((t) => t.name);
    expect((await inboxRepository.findById(b.s.db.m, inbox.id))?.name).toBeDefined();
    const macrosBefore = (await macroRepository.list(b.s.db.m)).length;

    expect((await a.api('PATCH', `/api/agents/${agent}`, { name: 'Renata New' })).status).toBe(200);
    expect((await a.api('POST', '/api/teams', { name: `Refunds ${agent}`, agentIds: [agent] })).status).toBe(201);
    expect((await a.api('PATCH', `/api/inboxes/${inbox.id}`, { name: `Renamed inbox ${agent}` })).status).toBe(200);
    expect((await a.api('POST', '/api/macros', { name: `Close politely ${agent}`, actions: [{ type: 'set_status', status: 'solved' }] })).status).toBe(201);

    const names = await waitFor(() => b.api('GET', '/api/agents'), (r) => r.body.agents.some((x: any) => x.id === agent && x.name === 'Renata New'), SOON_MS);
    expect(names.body.agents.find((x: any) => x.id === agent).name).toBe('Renata New');
    expect(await waitFor(() => agentRepository.listTeams(b.s.db.m).then((l) => l.map((t) => t.name)), (l) => l.length > teamsBefore.length, SOON_MS)).toContain(`Refunds ${agent}`);
    expect(await waitFor(() => inboxRepository.findById(b.s.db.m, inbox.id).then((i) => i?.name), (n) => n === `Renamed inbox ${agent}`, SOON_MS)).toBe(`Renamed inbox ${agent}`);
    expect(await waitFor(() => macroRepository.list(b.s.db.m).then((l) => l.length), (n) => n > macrosBefore, SOON_MS)).toBe(macrosBefore + 1);
  });

  it('refuses on node B, at once, the session of an agent deactivated on node A', async () => {
    const email = `deact-${Math.random().toString(36).slice(2, 7)}@chorus.test`;
    const agent = (await a.api('POST', '/api/agents', { email, name: 'Dora', password: 'dora-password' })).body.agent.id as number;
    const session = await agentSession(b, email, 'dora-password');
    const me = () => fetch(`${b.url}/api/notifications`, { headers: { cookie: session.cookie } }).then((r) => r.status);
    expect(await me()).toBe(200);
    // B caches the agent as active (its pages name agents from the cache)…
    expect((await agentRepository.findById(b.s.db.m, agent))?.active).toBe(true);
    expect((await a.api('PATCH', `/api/agents/${agent}`, { active: false })).status).toBe(200);
    // …but a session is checked against the agent's row on every request: no window at all.
    expect(await me()).toBe(401);
  });
});
