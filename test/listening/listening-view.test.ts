import { createAgent } from '../../src/agents/create-agent';
import { listeningItemRepository, type ListenedPost } from '../../src/db/repositories/listening-item.repository';
import { listeningStreamRepository } from '../../src/db/repositories/listening-stream.repository';
import { AgentClient } from '../helpers/agent-client';
import { connectSocket, DB_KINDS, startTestChorus, type TestChorus } from '../helpers/test-chorus';

const post = (id: string, over: Partial<ListenedPost> = {}): ListenedPost => ({
  platform: 'mastodon', externalId: id, authorId: `a${id}`, authorHandle: `u${id}@fake.social`, authorName: `User ${id}`, authorUrl: null,
  authorFollowers: 100, text: `acme post ${id}`, language: 'en', url: null, postedAt: 1_700_000_000_000 + Number(id) * 1000, raw: {}, ...over,
});

describe.each(DB_KINDS)('the listening view (%s)', (db) => {
  let t: TestChorus;
  let streamA: number;
  let streamB: number;
  beforeAll(async () => {
    t = await startTestChorus({ db, env: { CHORUS_WORKERS: 'false' } });
    const mk = (name: string) => t.s.db.write((m) => listeningStreamRepository.insert(m, {
      name, platform: 'mastodon', query: { keywords: ['acme'], phrases: [], hashtags: [], exclusions: [], language: null }, settings: null,
      enabled: false, pollSeconds: 60, cursor: null, lastPolledAt: null, lastError: null, nextPollAt: null, createdBy: null, createdAt: 1, updatedAt: 1,
    }));
    streamA = (await mk('Brand')).id;
    streamB = (await mk('Routers')).id;
  });
  afterAll(async () => { await t.stop(); });

  const store = (p: ListenedPost, streamId = streamA, query = 'acme') => t.s.db.transaction(async (tx) => {
    const u = await listeningItemRepository.upsertMatchedPost(tx.m, p, streamId, query, Date.now());
    if (u.created) tx.emit('listening.item.created', { itemId: u.itemId, streamId });
    return u.itemId;
  });

  it('lists new posts newest first or by priority, pages by cursor, shows every matching query, and leaves out triaged posts', async () => {
    const a = await store(post('1', { authorFollowers: 50_000 }));
    const b = await store(post('2', { authorFollowers: 10 }));
    const c = await store(post('3', { authorFollowers: 20_000, language: 'de', text: 'acme ist schrecklich' }));
    await store(post('1', { authorFollowers: 50_000 }), streamB, 'router');
    const gone = await store(post('4'));
    await t.s.db.write((m) => listeningItemRepository.setStatus(m, [gone], 'dismissed', Date.now()));
    // Negative: 20,000 × 3 outranks 50,000.
    await t.s.db.write((m) => listeningItemRepository.setSentiment(m, c, -0.5));
    const newest = (await t.api('GET', '/api/listening/items?limit=2')).body;
    expect(newest.items.map((i: any) => i.id)).toEqual([c, b]);
    expect(newest.total).toBe(3);
    const rest = (await t.api('GET', `/api/listening/items?limit=2&after=${newest.next}`)).body;
    expect(rest.items.map((i: any) => i.id)).toEqual([a]);
    expect(rest.next).toBeNull();
    expect(rest.items[0]).toMatchObject({ author: { handle: 'u1@fake.social', followers: 50_000 }, platform: 'mastodon', language: 'en' });
    expect(rest.items[0].matches).toEqual([{ streamId: streamA, stream: 'Brand', query: 'acme', ruleNote: null }, { streamId: streamB, stream: 'Routers', query: 'router', ruleNote: null }]);
    const prio = (await t.api('GET', '/api/listening/items?sort=priority')).body.items.map((i: any) => i.id);
    expect(prio).toEqual([c, a, b]);
    expect((await t.api('GET', '/api/listening/items?sort=loudest')).body.error.details.fields).toHaveProperty('sort');

    // French has no scorer: the view says so rather than guessing.
    await store(post('5', { language: 'fr', text: 'acme est trop lent' }));
    await t.s.bus.drain();
    const agent = new AgentClient(t);
    await agent.signIn(t.admin.email, t.admin.password);
    const page = await agent.get('/listening?sort=priority');
    expect(page.status).toBe(200);
    expect(page.html).toContain('negative (-0.5)');
    expect(page.html).toContain('50k followers');
    expect(page.html).toContain('Routers: router');
    expect(page.html).toContain('no score');
  });

  it('pages through every waiting post once, in order, when many share a time or a priority', async () => {
    // 23 posts in three equal times and three equal reaches: the cursor must break ties by id.
    for (let i = 0; i < 23; i++) await store(post(String(300 + i), { postedAt: 1_800_000_000_000 + (i % 3) * 1000, authorFollowers: [5, 7, 9][i % 3] }));
    const walk = async (sort: string) => {
      const seen: any[] = [];
      let after: string | null = null;
      for (let n = 0; n < 50; n++) {
        const body: any = (await t.api('GET', `/api/listening/items?sort=${sort}&limit=4${after ? `&after=${after}` : ''}`)).body;
        seen.push(...body.items);
        after = body.next;
        if (!after) break;
      }
      return seen;
    };
    const total = (await t.api('GET', '/api/listening/items')).body.total;
    for (const [sort, key] of [['newest', (i: any) => Date.parse(i.postedAt)], ['priority', (i: any) => i.priority]] as const) {
      const seen = await walk(sort);
      expect(seen).toHaveLength(total);
      expect(new Set(seen.map((i) => i.id)).size).toBe(total);
      const expected = [...seen].sort((x, y) => key(y) - key(x) || y.id - x.id).map((i) => i.id);
      expect(seen.map((i) => i.id)).toEqual(expected);
    }
  });

  it('sends new posts live to agents on the view, and to nobody else', async () => {
    const agent = await connectSocket(t, { token: t.admin.token });
    const stranger = await connectSocket(t);
    try {
      expect(await agent.emitWithAck('listening:join', {})).toEqual({ ok: true });
      expect(await stranger.emitWithAck('listening:join', {})).toEqual({ ok: false, error: 'not found' });
      const strangerGot: unknown[] = [];
      stranger.on('listening.item', (e) => strangerGot.push(e));
      const got = new Promise<any>((ok) => agent.on('listening.item', (e: any) => { if (e.item.externalId === '77') ok(e); }));
      const id = await store(post('77', { authorFollowers: 1234 }));
      const e = await got;
      expect(e).toMatchObject({ item: { id, author: { followers: 1234 }, status: 'new' }, changes: ['created'] });
      await t.s.bus.drain();
      expect(strangerGot).toEqual([]);
    } finally {
      agent.disconnect();
      stranger.disconnect();
    }
  });

  it('is for agents only', async () => {
    expect((await t.api('GET', '/api/listening/items', undefined, '')).status).toBe(401);
    const res = await fetch(`${t.url}/listening`, { redirect: 'manual', headers: { accept: 'text/html' } });
    expect(res.status).toBe(303);
    const plain = await createAgent(t.s.db, Date.now(), { email: `p-${db}@chorus.test`, name: 'P', password: 'plain-password', role: 'agent' });
    expect((await t.api('GET', '/api/listening/items', undefined, await t.s.sessions.createApiToken(plain.id, 'p'))).status).toBe(200);
  });
});
