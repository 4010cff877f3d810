import type { Socket } from 'socket.io-client';
import { rooms } from '../src/realtime/rooms';
import { settled, waitFor } from './helpers/wait';
import { signInByLink } from './helpers/web-client';
import { DB_KINDS, apiInbox, connectSocket, joinTicket, nextEvent, postSigned, recordEvents, startTwoNodes, type TestChorus } from './helpers/test-chorus';

// Live fan-out across two nodes through a real Redis: a message is presented only for rooms with
// a member somewhere in the cluster (and then reaches a member on the other node), presence
// reaches only the agents on that ticket's page or row, and a room whose last member left on the
// other node stops being presented. Runs when TEST_REDIS_URL points at a Redis.
const redis = process.env.TEST_REDIS_URL ? describe : describe.skip;

redis.each(DB_KINDS)('fan-out across two nodes over Redis (%s)', (kind) => {
  let a: TestChorus;
  let b: TestChorus;
  let drop: () => Promise<void>;
  let inbox: { id: number; secret: string };
  const open: Socket[] = [];
  beforeAll(async () => {
    // Its own channels: other suites (and other checkouts) may share this Redis.
    const env = { REDIS_URL: process.env.TEST_REDIS_URL!, REDIS_CHANNEL_PREFIX: `chorus-fanout-${process.pid}-${kind}-${Math.random().toString(36).slice(2, 8)}` };
    ({ a, b, drop } = await startTwoNodes(kind, { env }));
    inbox = await apiInbox(a);
  });
  afterEach(() => {
    for (const so of open.splice(0)) so.close();
  });
  afterAll(async () => {
    await a.stop();
    await b.stop();
    await drop();
  });

  const connect = async (t: TestChorus, opts: { token?: string; cookie?: string } = {}) => {
    const so = await connectSocket(t, opts);
    open.push(so);
    return so;
  };
  const post = async (externalId: string, thread: string, text: string, extra: Record<string, unknown> = {}) => {
    const r = await postSigned(a, inbox, { externalId, threadKey: thread, author: { id: `author-${thread}` }, text, ...extra });
    if (r.status !== 202) throw new Error(`ingest failed: ${JSON.stringify(r.body)}`);
    return r.body as { ticketId: number; messageId: number };
  };
  // Message events presented by a node (chorus_socket_presented_total, every audience).
  const presented = async (t: TestChorus) => (await t.s.metrics.socketPresented.get()).values.reduce((n, v) => n + v.value, 0);
  const texts = (rec: { events: [string, any][] }) => rec.events.filter(([name]) => name === 'message.created').map(([, m]) => m.text);

  it('presents nothing for a ticket nobody watches, and delivers once to a member on the other node only', async () => {
    const lonely = await post('fo-a1', 'fo-a-lonely', 'nobody watches this one');
    const watched = await post('fo-a2', 'fo-a-watched', 'watched from node B');
    // An agent on B, signed in (so in the agents room) and on one ticket's page.
    const onB = await connect(b, { token: b.admin.token });
    const elsewhere = await connect(a, { token: a.admin.token });
    expect(await joinTicket(onB, watched.ticketId)).toMatchObject({ ok: true, audience: 'staff' });
    // The join was acknowledged once node A knew of the room.
    expect(a.s.roomsInUse!.has(rooms.ticket(watched.ticketId, 'staff'))).toBe(true);
    expect(a.s.roomsInUse!.has(rooms.ticket(lonely.ticketId, 'staff'))).toBe(false);
    const seenOnB = recordEvents(onB);
    const seenOnA = recordEvents(elsewhere);
    await a.s.bus.drain();
    const [beforeA, beforeB] = [await presented(a), await presented(b)];

    await post('fo-a3', 'fo-a-lonely', 'still nobody');
    const arrived = nextEvent(onB, 'message.created', (m: any) => m.text === 'for the agent on B', 10_000);
    await post('fo-a4', 'fo-a-watched', 'for the agent on B');
    expect((await arrived).ticketId).toBe(watched.ticketId);
    await a.s.bus.drain();
    // Only the watched ticket's staff room was presented, once, by the node that took the post.
    expect(await presented(a)).toBe(beforeA + 1);
    expect(await presented(b)).toBe(beforeB);
    await settled(a.s, elsewhere);
    await settled(b.s, onB);
    expect(texts(seenOnB)).toEqual(['for the agent on B']);
    expect(texts(seenOnA)).toEqual([]);
  });

  it('tells only the agents on a ticket\'s page or row who is on it: never another ticket\'s watchers, a customer or a visitor', async () => {
    const shared = await post('fo-b1', 'fo-b-shared', 'a public question', { audience: 'public', author: { id: 'fo-b-cust', email: 'fo-b-cust@example.com', name: 'Cora' } });
    const other = await post('fo-b2', 'fo-b-other', 'another question');
    const eve = (await a.api('POST', '/api/agents', { email: `eve-${kind}@chorus.test`, name: 'Eve', password: 'eve-password' })).body.agent.id as number;
    const eveToken = await b.s.sessions.createApiToken(eve, 'eve');
    const customer = await signInByLink(a, 'fo-b-cust@example.com');

    // On node B: an agent showing the shared ticket's row, one showing another row, one on the
    // other ticket's page, Eve on the shared ticket's page, its customer and a visitor.
    const rowShared = await connect(b, { token: b.admin.token });
    const rowOther = await connect(b, { token: b.admin.token });
    const pageOther = await connect(b, { token: eveToken });
    const pageShared = await connect(b, { token: eveToken });
    const cust = await connect(b, { cookie: customer.cookie });
    const visitor = await connect(b);
    const watch = (so: Socket, ids: number[]) => so.timeout(5000).emitWithAck('rows:watch', { ticketIds: ids });
    expect(await watch(rowShared, [shared.ticketId])).toMatchObject({ ok: true });
    expect(await watch(rowOther, [other.ticketId])).toMatchObject({ ok: true });
    expect(await joinTicket(pageOther, other.ticketId)).toMatchObject({ ok: true, audience: 'staff' });
    expect(await joinTicket(cust, shared.ticketId)).toMatchObject({ ok: true, audience: 'participants' });
    expect(await joinTicket(visitor, shared.ticketId)).toMatchObject({ ok: true, audience: 'public' });
    const outsiders = { rowOther: recordEvents(rowOther), pageOther: recordEvents(pageOther), cust: recordEvents(cust), visitor: recordEvents(visitor) };

    // The admin opens the shared ticket on node A, then Eve on node B.
    const opener = await connect(a, { token: a.admin.token });
    const bothOn = nextEvent(rowShared, 'presence', (p: any) => p.ticketId === shared.ticketId && p.viewers.length === 2, 10_000);
    expect(await joinTicket(opener, shared.ticketId)).toMatchObject({ ok: true, audience: 'staff' });
    expect(await joinTicket(pageShared, shared.ticketId)).toMatchObject({ ok: true, audience: 'staff' });
    expect((await bothOn).viewers.map((v: any) => v.id).sort()).toEqual([a.admin.id, eve].sort());
    // Typing on node A reaches Eve's page on node B (after every presence sent before it).
    const typing = nextEvent(pageShared, 'presence:typing', (p: any) => p.ticketId === shared.ticketId, 10_000);
    opener.emit('presence:typing', { ticketId: shared.ticketId, typing: true, note: true });
    expect((await typing).agent).toEqual({ id: a.admin.id, name: 'Ada Admin' });

    await a.s.bus.drain();
    await settled(b.s, rowOther, pageOther, cust, visitor);
    const about = (rec: { events: [string, any][] }) => rec.events.filter(([name, p]) => name.startsWith('presence') && p?.ticketId === shared.ticketId);
    for (const rec of Object.values(outsiders)) expect(about(rec)).toEqual([]);
    // Customers and visitors hear no presence at all, of any ticket.
    for (const rec of [outsiders.cust, outsiders.visitor]) expect(rec.events.filter(([name]) => name.startsWith('presence'))).toEqual([]);
  });

  it('stops presenting a room once its last member on the other node has left', async () => {
    const q = await post('fo-c1', 'fo-c', 'two tabs on node B');
    const room = rooms.ticket(q.ticketId, 'staff');
    const first = await connect(b, { token: b.admin.token });
    const last = await connect(b, { token: b.admin.token });
    for (const so of [first, last]) expect(await joinTicket(so, q.ticketId)).toMatchObject({ ok: true });
    expect(a.s.roomsInUse!.has(room)).toBe(true);

    // One tab leaves the ticket: the other is still delivered to.
    first.emit('ticket:leave', { ticketId: q.ticketId });
    await settled(b.s, first);
    const leftFirst = recordEvents(first);
    const arrived = nextEvent(last, 'message.created', (m: any) => m.text === 'one tab left', 10_000);
    await post('fo-c2', 'fo-c', 'one tab left');
    await arrived;
    expect(a.s.roomsInUse!.has(room)).toBe(true);

    // The last one closes: node A hears the room is empty and presents nothing more for it.
    last.close();
    expect(await waitFor(() => a.s.roomsInUse!.has(room), (v) => !v)).toBe(false);
    await a.s.bus.drain();
    const before = await presented(a);
    await post('fo-c3', 'fo-c', 'nobody left');
    await a.s.bus.drain();
    expect(await presented(a)).toBe(before);
    await settled(b.s, first);
    expect(texts(leftFirst)).toEqual([]);
  });
});
