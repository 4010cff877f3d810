import { DB_KINDS, apiInbox, connectSocket, joinTicket, nextEvent, postSigned, recordEvents, startTestChorus, type TestChorus } from './helpers/test-chorus';
import { settled } from './helpers/wait';

describe.each(DB_KINDS)('API channel into the agent API and sockets (%s)', (db) => {
  let t: TestChorus;
  beforeAll(async () => {
    t = await startTestChorus({ db });
  });
  afterAll(async () => t.stop());

  it('turns a signed message into a ticket agents can read and a live socket event', async () => {
    const inbox = await apiInbox(t);
    const agentSocket = await connectSocket(t, { token: t.admin.token });
    const created = nextEvent(agentSocket, 'ticket.created');
    const res = await postSigned(t, inbox, {
      externalId: 'm-1', threadKey: 'conv-9', author: { id: 'u-1', name: 'Grace Hopper', email: 'Grace@Example.com' },
      subject: 'Printer on fire', text: 'It is on fire again.', attachments: [{ filename: 'fire.txt', contentType: 'text/plain', contentBase64: Buffer.from('smoke').toString('base64') }],
    });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ state: 'processed', duplicate: false });
    const ev = await created;
    expect(ev).toMatchObject({ id: res.body.ticketId, subject: 'Printer on fire', requester: { name: 'Grace Hopper' } });

    const detail = await t.api('GET', `/api/tickets/${res.body.ticketId}`);
    expect(detail.status).toBe(200);
    const [msg] = detail.body.messages;
    expect(msg).toMatchObject({ audience: 'participants', text: 'It is on fire again.', threadLink: { rule: 'new' } });
    expect(msg.attachments[0]).toMatchObject({ filename: 'fire.txt', contentType: 'text/plain', size: 5, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });

    // The same conversation key threads the next message into the same ticket.
    await joinTicket(agentSocket, res.body.ticketId);
    const live = nextEvent(agentSocket, 'message.created');
    const second = await postSigned(t, inbox, { externalId: 'm-2', threadKey: 'conv-9', author: { id: 'u-1', email: 'grace@example.com' }, text: 'Still burning.' });
    expect(second.body.ticketId).toBe(res.body.ticketId);
    expect((await live).text).toBe('Still burning.');
    const again = await t.api('GET', `/api/tickets/${res.body.ticketId}`);
    expect(again.body.messages[1].threadLink).toEqual({ rule: 'social-conversation', evidence: 'conv-9' });

    // A redelivery of a stored item is answered 200, as the README promises, and stores nothing new.
    const redelivered = await postSigned(t, inbox, { externalId: 'm-2', threadKey: 'conv-9', author: { id: 'u-1', email: 'grace@example.com' }, text: 'Still burning.' });
    expect(redelivered.status).toBe(200);
    expect(redelivered.body).toMatchObject({ duplicate: true, messageId: second.body.messageId });
    expect((await t.api('GET', `/api/tickets/${res.body.ticketId}`)).body.messages).toHaveLength(2);
    agentSocket.close();
  });

  it('refuses a bad signature with the same 404 as an unknown inbox, and stores nothing', async () => {
    const inbox = await apiInbox(t);
    const res = await postSigned(t, inbox, { externalId: 'bad', author: { id: 'x' }, text: 'hi' }, { secret: 'not-the-secret' });
    const unknown = await postSigned(t, { id: 999_999, secret: 'not-the-secret' }, { externalId: 'bad', author: { id: 'x' }, text: 'hi' });
    expect(res.status).toBe(404);
    expect(res).toEqual(unknown);
    const items = await t.api('GET', '/api/ingest/items?state=received');
    expect(items.body.items.filter((i: any) => i.key.endsWith(':api:bad'))).toHaveLength(0);
  });

  it('answers 400 with the wrong field named, and 413 for an oversized body', async () => {
    const inbox = await apiInbox(t);
    const bad = await postSigned(t, inbox, { externalId: 'b', author: { id: 'x', email: 'not-an-email' }, text: 'hi' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields).toHaveProperty(['author.email']);
    const empty = await postSigned(t, inbox, { externalId: 'b2', author: { id: 'x' } });
    expect(empty.status).toBe(400);
    expect(Object.keys(empty.body.error.details.fields)).toContain('text');
    const huge = await postSigned(t, inbox, { externalId: 'big', author: { id: 'x' }, text: 'x'.repeat(11 * 1024 * 1024) });
    expect(huge.status).toBe(413);
  });

  it('creates exactly one message when the same item arrives 20 times at once', async () => {
    const inbox = await apiInbox(t);
    const body = { externalId: 'dup-1', author: { id: 'u-dup' }, text: 'only once please' };
    const results = await Promise.all(Array.from({ length: 20 }, () => postSigned(t, inbox, body)));
    expect(results.every((r) => r.status === 200 || r.status === 202)).toBe(true);
    const ticketIds = new Set(results.map((r) => r.body.ticketId).filter(Boolean));
    expect(ticketIds.size).toBe(1);
    const [ticketId] = [...ticketIds];
    const detail = await t.api('GET', `/api/tickets/${ticketId}`);
    expect(detail.body.messages).toHaveLength(1);
  });

  it('keeps a staff note away from customer and anonymous sockets, and from the customer JSON', async () => {
    const inbox = await apiInbox(t);
    const res = await postSigned(t, inbox, { externalId: 'pub-1', author: { id: 'u-pub' }, text: 'A public question', audience: 'public' });
    const ticketId = res.body.ticketId;
    const anon = await connectSocket(t);
    expect(await joinTicket(anon, ticketId)).toMatchObject({ ok: true, audience: 'public' });
    const anonRec = recordEvents(anon);
    const agent = await connectSocket(t, { token: t.admin.token });
    await joinTicket(agent, ticketId);
    const agentSaw = nextEvent(agent, 'message.created', (m) => m.audience === 'staff');
    const publicSeen = nextEvent(anon, 'message.created');

    const note = await t.api('POST', `/api/tickets/${ticketId}/notes`, { text: 'SECRET: refund limit is 50' });
    expect(note.status).toBe(201);
    expect((await agentSaw).text).toContain('SECRET');
    const reply = await t.api('POST', `/api/tickets/${ticketId}/replies`, { text: 'Public answer', audience: 'public' });
    expect(reply.status).toBe(201);
    expect((await publicSeen).text).toBe('Public answer');
    await settled(t.s, anon);
    expect(JSON.stringify(anonRec.events)).not.toContain('SECRET');

    const asPublic = await t.api('GET', `/api/tickets/${ticketId}`, undefined, '');
    expect(asPublic.status).toBe(200);
    expect(asPublic.body.messages.map((m: any) => m.text)).toEqual(['A public question', 'Public answer']);
    expect(JSON.stringify(asPublic.body)).not.toContain('SECRET');
    anon.close();
    agent.close();
  });
});
