import { createInbox } from '../../src/inboxes/create-inbox';
import { listeningItemRepository, type ListenedPost } from '../../src/db/repositories/listening-item.repository';
import { listeningStreamRepository } from '../../src/db/repositories/listening-stream.repository';
import { pollStream } from '../../src/listening/poll-stream';
import { AgentClient } from '../helpers/agent-client';
import { DB_KINDS, startTestChorus, type TestChorus } from '../helpers/test-chorus';
import { waitFor } from '../helpers/wait';
import { BLUESKY_ACCOUNT, fakePlatform } from '../social/fake-platform';

// A status as Mastodon's search returns it (docs.joinmastodon.org/entities/Status).
const status = (id: string, text: string) => ({
  id, created_at: '2026-12-01T10:00:00.000Z', visibility: 'public', language: 'en', url: `https://fake.social/@ana/${id}`,
  content: `<p>${text}</p>`, account: { id: '9001', acct: 'ana@fake.social', display_name: 'Ana', url: 'https://fake.social/@ana', followers_count: 12_500 },
});
const mastoPost = (id: string, text: string): ListenedPost => ({
  platform: 'mastodon', externalId: id, authorId: '9001', authorHandle: 'ana@fake.social', authorName: 'Ana', authorUrl: null,
  authorFollowers: 12_500, text, language: 'en', url: null, postedAt: Date.parse('2026-12-01T10:00:00.000Z'), raw: status(id, text),
});
// A tweet as X recent search returns it, its author expanded.
const xPost = (id: string, text: string): ListenedPost => ({
  platform: 'x', externalId: id, authorId: '2244994945', authorHandle: 'bob', authorName: 'Bob', authorUrl: 'https://x.com/bob',
  authorFollowers: 15_000, text, language: 'en', url: `https://x.com/bob/status/${id}`, postedAt: Date.parse('2026-12-01T10:00:00.000Z'),
  raw: { id, text, author_id: '2244994945', created_at: '2026-12-01T10:00:00.000Z', lang: 'en' },
});

describe.each(DB_KINDS)('triage actions on listened posts (%s)', (db) => {
  let t: TestChorus;
  let fake: Awaited<ReturnType<typeof fakePlatform>>;
  let masto: number;
  let x: number;
  let mastoStream: number;
  let xStream: number;
  let bsky: number;
  let bskyStream: number;
  beforeAll(async () => {
    t = await startTestChorus({ db });
    fake = await fakePlatform();
    masto = (await createInbox(t.s.db, Date.now(), { name: 'Acme on Mastodon', channel: 'mastodon', settings: { apiBaseUrl: fake.url, accessToken: 'masto-token-one', pollSeconds: 3600 } })).id;
    x = (await createInbox(t.s.db, Date.now(), { name: 'Acme on X', channel: 'x', settings: { apiBaseUrl: fake.url, accountId: '42', bearerToken: 'x-bearer-token-1' } })).id;
    bsky = (await createInbox(t.s.db, Date.now(), { name: 'Acme on Bluesky', channel: 'bluesky', settings: { apiBaseUrl: fake.url, identifier: BLUESKY_ACCOUNT.identifier, appPassword: BLUESKY_ACCOUNT.appPassword } })).id;
    const stream = (name: string, platform: 'mastodon' | 'x' | 'bluesky', inboxId: number) => t.s.db.write((m) => listeningStreamRepository.insert(m, {
      name, platform, query: { keywords: ['acme'], phrases: [], hashtags: [], exclusions: [], language: null }, settings: { apiBaseUrl: fake.url, accessToken: 'masto-token-one', inboxId },
      enabled: false, pollSeconds: 60, cursor: null, lastPolledAt: null, lastError: null, nextPollAt: null, createdBy: null, createdAt: 1, updatedAt: 1,
    }));
    mastoStream = (await stream('Brand on Mastodon', 'mastodon', masto)).id;
    xStream = (await stream('Brand on X', 'x', x)).id;
    bskyStream = (await stream('Brand on Bluesky', 'bluesky', bsky)).id;
  });
  afterAll(async () => { await t.stop(); await fake.close(); });

  const store = (p: ListenedPost) => t.s.db.write(async (m) => (await listeningItemRepository.upsertMatchedPost(m, p, { x: xStream, mastodon: mastoStream, bluesky: bskyStream }[p.platform], 'acme', Date.now())).itemId);
  const ticketOf = async (id: number) => (await t.api('GET', `/api/tickets/${id}`)).body;
  const delivered = async (ticketId: number) => (await ticketOf(ticketId)).messages.filter((m: any) => m.direction === 'outbound' && m.deliveryState === 'sent');

  it('reply publicly: a public ticket with the post and the reply, which reaches Mastodon under the post', async () => {
    const id = await store(mastoPost('700', 'acme router keeps dropping'));
    const r = await t.api('POST', `/api/listening/items/${id}/reply`, { text: 'Sorry about that! Which firmware are you on?' });
    expect(r.status).toBe(201);
    await waitFor(() => delivered(r.body.ticketId), (l) => l.length === 1);
    const ticket = await ticketOf(r.body.ticketId);
    expect(ticket.ticket).toMatchObject({ visibility: 'public', channel: 'mastodon', inboxId: masto });
    expect(ticket.messages.map((m: any) => [m.direction, m.audience, m.text])).toEqual([
      ['inbound', 'public', 'acme router keeps dropping'], ['outbound', 'public', 'Sorry about that! Which firmware are you on?'],
    ]);
    const sent = fake.calls.filter((c) => c.path === '/api/v1/statuses');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ method: 'POST', auth: 'Bearer masto-token-one', body: { status: '@ana@fake.social Sorry about that! Which firmware are you on?', in_reply_to_id: '700', visibility: 'public' } });
    expect(await listeningItemRepository.findById(t.s.db.m, id)).toMatchObject({ status: 'ticketed', ticketId: r.body.ticketId });
    // A second agent answering from a view that still showed the post is sent to the ticket.
    const late = await t.api('POST', `/api/listening/items/${id}/reply`, { text: 'Hi Ana, same here' });
    expect(late.status).toBe(409);
    expect(late.body.error.message).toBe(`This post became ticket #${r.body.ticketId} meanwhile; answer it there.`);
    expect(fake.calls.filter((c) => c.path === '/api/v1/statuses')).toHaveLength(1);
  });

  it('a post a stream found through another Mastodon server is answered by its id on the inbox\'s server', async () => {
    const other = (await t.s.db.write((m) => listeningStreamRepository.insert(m, {
      name: 'Brand elsewhere', platform: 'mastodon', query: { keywords: ['acme'], phrases: [], hashtags: [], exclusions: [], language: null }, settings: { apiBaseUrl: 'https://other.social', inboxId: masto },
      enabled: false, pollSeconds: 60, cursor: null, lastPolledAt: null, lastError: null, nextPollAt: null, createdBy: null, createdAt: 1, updatedAt: 1,
    }))).id;
    const url = 'https://other.social/@zed/990001';
    const id = await t.s.db.write(async (m) => (await listeningItemRepository.upsertMatchedPost(m, { ...mastoPost('990001', 'acme modem again'), url, authorId: '555', authorHandle: 'zed@other.social' }, other, 'acme', Date.now())).itemId);
    // The inbox's server knows the post under its own id once it resolves the URL.
    fake.serve('/api/v2/search', { auth: 'Bearer masto-token-one', query: { q: url, type: 'statuses', resolve: 'true' }, body: { accounts: [], hashtags: [], statuses: [{ ...status('113999', 'acme modem again'), url }] } });
    const r = await t.api('POST', `/api/listening/items/${id}/reply`, { text: 'Hello Zed!' });
    expect(r.status).toBe(201);
    await waitFor(() => delivered(r.body.ticketId), (l) => l.length === 1);
    expect(fake.calls.filter((c) => c.path === '/api/v1/statuses').at(-1)!.body).toEqual({ status: '@zed@other.social Hello Zed!', in_reply_to_id: '113999', visibility: 'public' });
    // A post the inbox's server cannot find is refused in words, and stays in the view.
    const lost = await t.s.db.write(async (m) => (await listeningItemRepository.upsertMatchedPost(m, { ...mastoPost('990002', 'acme gone'), url: 'https://other.social/@zed/990002' }, other, 'acme', Date.now())).itemId);
    fake.serve('/api/v2/search', { auth: 'Bearer masto-token-one', body: { accounts: [], hashtags: [], statuses: [] } });
    const refused = await t.api('POST', `/api/listening/items/${lost}/convert`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/does not know the post https:\/\/other\.social\/@zed\/990002/);
    expect((await listeningItemRepository.findById(t.s.db.m, lost))!.status).toBe('new');
  });

  it('take it private: the public reply under the tweet, then a direct message to its author; the ticket stays public', async () => {
    const id = await store(xPost('1800000000000000009', 'acme billing charged me twice'));
    const r = await t.api('POST', `/api/listening/items/${id}/reply`, { text: 'We are on it.', privateText: 'Could you send us the invoice number?' });
    expect(r.status).toBe(201);
    expect(r.body.messages.map((m: any) => m.audience)).toEqual(['public', 'participants']);
    await waitFor(() => delivered(r.body.ticketId), (l) => l.length === 2);
    const tweet = fake.calls.find((c) => c.path === '/2/tweets')!;
    expect(tweet).toMatchObject({ method: 'POST', auth: 'Bearer x-bearer-token-1', body: { text: '@bob We are on it.', reply: { in_reply_to_tweet_id: '1800000000000000009' } } });
    const dm = fake.calls.find((c) => c.path === '/2/dm_conversations/with/2244994945/messages')!;
    expect(dm).toMatchObject({ method: 'POST', auth: 'Bearer x-bearer-token-1', body: { text: 'Could you send us the invoice number?' } });
    const ticket = await ticketOf(r.body.ticketId);
    expect(ticket.ticket).toMatchObject({ visibility: 'public', channel: 'x', inboxId: x });
    // The author (15k followers) is on the ticket with their reach.
    expect(ticket.ticket.requester).toMatchObject({ followers: 15_000 });
  });

  it('Bluesky: the public reply is a post naming the thread root and the post it answers; taking it private sends a chat message', async () => {
    // A post that itself answers another: the reply keeps the thread's root.
    const uri = 'at://did:plc:cara123/app.bsky.feed.post/3lreply';
    const id = await store({
      platform: 'bluesky', externalId: uri, authorId: 'did:plc:cara123', authorHandle: 'cara.bsky.social', authorName: 'Cara', authorUrl: 'https://bsky.app/profile/cara.bsky.social',
      authorFollowers: 830, text: 'acme still broken for me too', language: 'en', url: 'https://bsky.app/profile/cara.bsky.social/post/3lreply', postedAt: Date.now(),
      raw: { uri, cid: 'bafyreply', indexedAt: new Date().toISOString(), author: { did: 'did:plc:cara123', handle: 'cara.bsky.social' },
        record: { $type: 'app.bsky.feed.post', text: 'acme still broken for me too', createdAt: new Date().toISOString(), reply: { root: { uri: 'at://did:plc:dan/app.bsky.feed.post/3lroot', cid: 'bafyroot' }, parent: { uri: 'at://did:plc:dan/app.bsky.feed.post/3lroot', cid: 'bafyroot' } } } },
    });
    const r = await t.api('POST', `/api/listening/items/${id}/reply`, { text: 'Sorry, Cara! We are looking into it.', privateText: 'Which phone are you on?' });
    expect(r.status).toBe(201);
    await waitFor(() => delivered(r.body.ticketId), (l) => l.length === 2);
    const post = fake.calls.find((c) => c.path === '/xrpc/com.atproto.repo.createRecord')!;
    expect(post).toMatchObject({ method: 'POST', auth: 'Bearer bsky-access-jwt', body: { repo: BLUESKY_ACCOUNT.did, collection: 'app.bsky.feed.post', record: {
      $type: 'app.bsky.feed.post', text: 'Sorry, Cara! We are looking into it.',
      reply: { root: { uri: 'at://did:plc:dan/app.bsky.feed.post/3lroot', cid: 'bafyroot' }, parent: { uri, cid: 'bafyreply' } },
    } } });
    expect(fake.calls.find((c) => c.path === '/xrpc/chat.bsky.convo.getConvoForMembers')).toMatchObject({ query: { members: 'did:plc:cara123' }, proxy: 'did:web:api.bsky.chat#bsky_chat' });
    expect(fake.calls.find((c) => c.path === '/xrpc/chat.bsky.convo.sendMessage')).toMatchObject({ body: { convoId: 'convo-did:plc:cara123', message: { text: 'Which phone are you on?' } } });
    // One sign-in serves both.
    expect(fake.calls.filter((c) => c.path === '/xrpc/com.atproto.server.createSession')).toHaveLength(1);
    const ticket = await ticketOf(r.body.ticketId);
    expect(ticket.ticket).toMatchObject({ visibility: 'public', channel: 'bluesky', inboxId: bsky });

    // A reply longer than a Bluesky post can hold fails in words, and is not posted.
    const long = await t.api('POST', `/api/tickets/${r.body.ticketId}/replies`, { audience: 'public', text: 'x'.repeat(301) });
    const failed = await waitFor(async () => (await ticketOf(r.body.ticketId)).messages.find((m: any) => m.id === long.body.message.id), (m) => m.deliveryState === 'failed');
    expect(failed.deliveryError).toMatch(/at most 300 characters; this reply has 301/);
    expect(fake.calls.filter((c) => c.path === '/xrpc/com.atproto.repo.createRecord')).toHaveLength(1);
  });

  it('convert without replying: a public ticket holding only the post; nothing goes to the platform', async () => {
    const id = await store(mastoPost('701', 'is acme down?'));
    const calls = fake.calls.length;
    const r = await t.api('POST', `/api/listening/items/${id}/convert`);
    expect(r.status).toBe(200);
    expect(r.body.item).toMatchObject({ id, status: 'ticketed', ticketId: r.body.ticketId });
    const ticket = await ticketOf(r.body.ticketId);
    expect(ticket.ticket.visibility).toBe('public');
    expect(ticket.messages.map((m: any) => [m.direction, m.text])).toEqual([['inbound', 'is acme down?']]);
    const [outbox] = await t.s.db.m.query(`SELECT COUNT(*) n FROM outbox_items o JOIN messages m ON m.id = o.message_id WHERE m.ticket_id = ${r.body.ticketId}`);
    expect(Number(outbox.n)).toBe(0);
    expect(fake.calls.slice(calls).filter((c) => c.method === 'POST')).toEqual([]);
  });

  it('the view\'s forms work without a script: take it private goes on to the ticket; an empty reply shows the view again with the reason', async () => {
    const id = await store(xPost('1800000000000000077', 'acme app logs me out constantly'));
    const agent = new AgentClient(t);
    await agent.signIn(t.admin.email, t.admin.password);
    await agent.get('/listening');
    const empty = await agent.post(`/listening/items/${id}/reply`, { text: '  ' });
    expect(empty.status).toBe(422);
    expect(empty.html).toContain('A reply needs text.');
    expect(empty.html).toContain(`data-item="${id}"`);
    const done = await agent.post(`/listening/items/${id}/reply`, { text: 'Sorry about that!', privateText: 'Which phone do you use?' });
    expect(done.status).toBe(303);
    const ticketId = Number(/^\/tickets\/(\d+)#m-\d+$/.exec(done.location ?? '')?.[1]);
    expect((await ticketOf(ticketId)).messages.map((m: any) => [m.audience, m.text])).toEqual([
      ['public', 'acme app logs me out constantly'], ['public', 'Sorry about that!'], ['participants', 'Which phone do you use?'],
    ]);
    const page = await agent.get(`/tickets/${ticketId}`);
    expect(page.html).toContain('Why is this here?');
    expect(page.html).toContain('stream “Brand on X” (query: acme); made a ticket by');
  });

  it('documents each triage operation in the OpenAPI document', async () => {
    const doc = (await t.api('GET', '/api/openapi.json')).body;
    for (const verb of ['reply', 'convert', 'dismiss', 'spam']) expect({ verb, post: !!doc.paths[`/api/listening/items/{id}/${verb}`]?.post }).toEqual({ verb, post: true });
    expect(doc.paths['/api/listening/items/dismiss'].post.requestBody).toBeTruthy();
  });

  it('spam, dismiss and bulk dismiss from the view (forms, CSRF) and the API; none comes back on the next poll', async () => {
    const [a, b, c, d] = [await store(mastoPost('710', 'acme free followers')), await store(mastoPost('711', 'acme meh')), await store(mastoPost('712', 'acme ok')), await store(mastoPost('713', 'acme whatever'))];
    const agent = new AgentClient(t);
    await agent.signIn(t.admin.email, t.admin.password);
    const page = await agent.get('/listening');
    for (const id of [a, b, c, d]) expect(page.html).toContain(`action="/listening/items/${id}/reply"`);
    expect((await agent.post(`/listening/items/${a}/spam`, {}, { csrf: false })).status).toBe(403);
    expect((await agent.post(`/listening/items/${a}/spam`, {})).status).toBe(303);
    const bulk = await agent.post('/listening/dismiss', { ids: [String(b), String(c)] });
    expect(bulk).toMatchObject({ status: 303, location: '/listening' });
    expect((await t.api('POST', `/api/listening/items/${d}/dismiss`)).body.item).toMatchObject({ id: d, status: 'dismissed' });
    expect((await t.api('POST', `/api/listening/items/${d}/spam`)).status).toBe(409);
    // A post refused by the form shows the view again with the reason beside it.
    const again = await agent.post(`/listening/items/${a}/convert`, {});
    expect(again.status).toBe(409);
    expect(again.html).toContain('marked as spam');
    expect((await listeningItemRepository.findById(t.s.db.m, a))!.status).toBe('spam');
    expect((await listeningItemRepository.findById(t.s.db.m, b))!.status).toBe('dismissed');

    // The stream finds them all again: they stay where triage put them.
    fake.serve('/api/v2/search', { auth: 'Bearer masto-token-one', body: { accounts: [], hashtags: [], statuses: ['710', '711', '712', '713'].map((id) => status(id, 'acme again')) } });
    const stream = (await listeningStreamRepository.findById(t.s.db.m, mastoStream))!;
    expect(await pollStream(t.s, stream, Date.now())).toMatchObject({ found: 4, created: 0, error: null });
    const waiting = (await t.api('GET', '/api/listening/items?limit=200')).body.items.map((i: any) => i.id);
    for (const id of [a, b, c, d]) expect(waiting).not.toContain(id);
    expect((await t.api('POST', '/api/listening/items/dismiss', { ids: [a, b] })).body).toEqual({ dismissed: [] });
  });
});
