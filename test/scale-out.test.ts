import { OutboxItem } from '../src/db/entities';
import { agentSession, disconnected } from './helpers/sockets';
import { waitFor } from './helpers/wait';
import { freshPostgres, apiInbox, connectSocket, joinTicket, nextEvent, postSigned, startTestChorus, type TestChorus } from './helpers/test-chorus';

// Two identical nodes on one Postgres: events cross nodes through the adapter, and the same
// item delivered to both nodes lands once. Runs when TEST_DATABASE_URL points at a Postgres.
const pg = process.env.TEST_DATABASE_URL ? describe : describe.skip;
const adapters: [string, Record<string, string>][] = [['postgres adapter', {}]];
// Its own Redis channels: other suites may share this Redis.
if (process.env.TEST_REDIS_URL) adapters.push(['redis adapter', { REDIS_URL: process.env.TEST_REDIS_URL, REDIS_CHANNEL_PREFIX: `chorus-scale-out-${process.pid}` }]);

pg.each(adapters)('two nodes on one Postgres (%s)', (_name, env) => {
  let a: TestChorus;
  let b: TestChorus;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const db = await freshPostgres();
    drop = db.drop;
    a = await startTestChorus({ dbUrl: db.url, env });
    b = await startTestChorus({ dbUrl: db.url, env });
  });
  afterAll(async () => {
    await a.stop();
    await b.stop();
    await drop();
  });

  it('delivers a message posted on one node to a socket on the other', async () => {
    const inbox = await apiInbox(a);
    const first = await postSigned(a, inbox, { externalId: 'x-1', threadKey: 'k', author: { id: 'p' }, text: 'first' });
    const socketOnB = await connectSocket(b, { token: b.admin.token });
    expect(await joinTicket(socketOnB, first.body.ticketId)).toMatchObject({ ok: true, audience: 'staff' });
    const arrived = nextEvent(socketOnB, 'message.created', (m) => m.text === 'second on A', 10_000);
    await postSigned(a, inbox, { externalId: 'x-2', threadKey: 'k', author: { id: 'p' }, text: 'second on A' });
    expect((await arrived).ticketId).toBe(first.body.ticketId);
    socketOnB.close();
  });

  it('shows agents on one node who is on a ticket on the other', async () => {
    const inbox = await apiInbox(a);
    const q = await postSigned(a, inbox, { externalId: 'pres-x', author: { id: 'r' }, text: 'anyone there?' });
    const onA = await connectSocket(a, { token: a.admin.token });
    const onB = await connectSocket(b, { token: b.admin.token });
    try {
      expect(await new Promise((r) => onB.emit('rows:watch', { ticketIds: [q.body.ticketId] }, r))).toMatchObject({ ok: true });
      const pushed = nextEvent(onB, 'presence', (p: any) => p.ticketId === q.body.ticketId && p.viewers.length === 1, 10_000);
      await joinTicket(onA, q.body.ticketId);
      expect((await pushed).viewers[0].id).toBe(a.admin.id);
      const all = await new Promise<any[]>((r) => onB.emit('presence:all', { ticketIds: [q.body.ticketId] }, r));
      expect(all.find((p) => p.ticketId === q.body.ticketId)?.viewers.map((v: any) => v.id)).toEqual([a.admin.id]);
    } finally {
      onA.close();
      onB.close();
    }
  });

  it('drops a socket on one node when its session signs out or its agent is deactivated on the other', async () => {
    const session = await agentSession(a, a.admin.email, a.admin.password);
    const onB = await connectSocket(b, { cookie: session.cookie });
    const gone = disconnected(onB);
    expect((await fetch(`${a.url}/api/auth/logout`, { method: 'POST', headers: { cookie: session.cookie, 'x-csrf-token': session.csrf } })).status).toBe(200);
    await gone;

    const eve = (await a.api('POST', '/api/agents', { email: 'eve-x@chorus.test', name: 'Eve', password: 'eve-password' })).body.agent.id;
    const eveOnB = await connectSocket(b, { token: await b.s.sessions.createApiToken(eve, 'eve') });
    const eveGone = disconnected(eveOnB);
    expect((await a.api('PATCH', `/api/agents/${eve}`, { active: false })).status).toBe(200);
    await eveGone;
  });

  it('moves a visitor on one node out of a thread taken private on the other', async () => {
    const inbox = await apiInbox(a);
    const q = await postSigned(a, inbox, { externalId: 'priv-x', threadKey: 'priv-x', author: { id: 'v' }, text: 'public at first', audience: 'public' });
    const visitor = await connectSocket(b);
    try {
      expect((await joinTicket(visitor, q.body.ticketId)).audience).toBe('public');
      const told = nextEvent(visitor, 'ticket.access', (e: any) => e.ticketId === q.body.ticketId, 10_000);
      expect((await a.api('POST', `/api/tickets/${q.body.ticketId}/visibility`, { visibility: 'private' })).status).toBe(200);
      expect(await told).toEqual({ ticketId: q.body.ticketId, audience: null });
      expect(await b.s.io!.in(`ticket:${q.body.ticketId}:public`).fetchSockets()).toHaveLength(0);
    } finally {
      visitor.close();
    }
  });

  it('lands the same item once when it reaches both nodes at the same time', async () => {
    const inbox = await apiInbox(a);
    const body = { externalId: 'both-nodes', author: { id: 'q' }, text: 'delivered twice' };
    const results = await Promise.all([...Array(5)].flatMap(() => [postSigned(a, inbox, body), postSigned(b, inbox, body)]));
    expect(results.every((r) => r.status < 300)).toBe(true);
    const ticketIds = new Set(results.map((r) => r.body.ticketId).filter(Boolean));
    expect(ticketIds.size).toBe(1);
    const detail = await a.api('GET', `/api/tickets/${[...ticketIds][0]}`);
    expect(detail.body.messages).toHaveLength(1);
  });

  it('lets two nodes drain one outbox without sending an item twice', async () => {
    const received: string[] = [];
    const http = await import('node:http');
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        received.push(JSON.parse(body).text);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `cb-${received.length}` }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const inbox = await apiInbox(a, { callbackUrl: `http://127.0.0.1:${port}/hook` });
    const t = await postSigned(a, inbox, { externalId: 'out-1', author: { id: 'r' }, text: 'need answers' });
    for (let i = 0; i < 10; i++) await (i % 2 ? a : b).api('POST', `/api/tickets/${t.body.ticketId}/replies`, { text: `answer ${i}` });
    // Every reply marked sent, then both workers stopped (each waits for its sends in flight):
    // a second send of any item would have reached the callback by now.
    await waitFor(() => a.s.db.m.getRepository(OutboxItem).findBy({ ticketId: t.body.ticketId }), (rows) => rows.length >= 10 && rows.every((r) => r.state === 'sent'));
    await Promise.all([a.s.outbox.stop(), b.s.outbox.stop()]);
    server.close();
    expect(received.sort()).toEqual([...Array(10)].map((_, i) => `answer ${i}`).sort());
  });
});
