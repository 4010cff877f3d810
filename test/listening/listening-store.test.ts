import { listeningItemRepository, type ListenedPost } from '../../src/db/repositories/listening-item.repository';
import { listeningStreamRepository } from '../../src/db/repositories/listening-stream.repository';
import { DB_KINDS, startTestChorus, type TestChorus } from '../helpers/test-chorus';

const post = (id: string, over: Partial<ListenedPost> = {}): ListenedPost => ({
  platform: 'mastodon', externalId: id, authorId: '77', authorHandle: 'ana@example.social', authorName: 'Ana', authorUrl: 'https://example.social/@ana',
  authorFollowers: 120, text: 'my acme router keeps dropping', language: 'en', url: `https://example.social/@ana/${id}`, postedAt: 1_700_000_000_000, raw: { id }, ...over,
});

describe.each(DB_KINDS)('listening store (%s)', (db) => {
  let t: TestChorus;
  beforeAll(async () => { t = await startTestChorus({ db }); });
  afterAll(async () => { await t.stop(); });

  const stream = (name: string) => t.s.db.write((m) => listeningStreamRepository.insert(m, {
    name, platform: 'mastodon', query: { keywords: ['acme'], phrases: [], hashtags: [], exclusions: [], language: null }, settings: null,
    enabled: true, pollSeconds: 60, cursor: null, lastPolledAt: null, lastError: null, nextPollAt: null, createdBy: null, createdAt: 1, updatedAt: 1,
  }));

  it('stores a post once, keeps its status, and records every stream that found it', async () => {
    const a = await stream('Acme');
    const b = await stream('Router');
    const first = await t.s.db.write((m) => listeningItemRepository.upsertMatchedPost(m, post('101'), a.id, 'acme', 1000));
    expect(first).toMatchObject({ created: true, newMatch: true, status: 'new' });
    const again = await t.s.db.write((m) => listeningItemRepository.upsertMatchedPost(m, post('101'), a.id, 'acme', 2000));
    expect(again).toMatchObject({ itemId: first.itemId, created: false, newMatch: false });
    await t.s.db.write((m) => listeningItemRepository.setStatus(m, [first.itemId], 'dismissed', 3000));
    const other = await t.s.db.write((m) => listeningItemRepository.upsertMatchedPost(m, post('101', { authorFollowers: 150 }), b.id, 'router', 4000));
    expect(other).toMatchObject({ itemId: first.itemId, created: false, newMatch: true, status: 'dismissed' });
    const matches = await listeningItemRepository.matchesOf(t.s.db.m, [first.itemId]);
    expect(matches.map((x) => [x.streamId, x.query])).toEqual([[a.id, 'acme'], [b.id, 'router']]);
    expect((await listeningItemRepository.findById(t.s.db.m, first.itemId))?.authorFollowers).toBe(150);
  });

  it('a post that already is a mention is stored ticketed, and a later mention links a new item', async () => {
    const a = await stream('Mentions');
    const r = await t.s.db.write((m) => listeningItemRepository.upsertMatchedPost(m, post('202'), a.id, 'acme', 1000, 42));
    expect(r).toMatchObject({ created: true, status: 'ticketed', ticketId: 42 });
    const n = await t.s.db.write((m) => listeningItemRepository.upsertMatchedPost(m, post('203'), a.id, 'acme', 1000));
    expect(await t.s.db.write((m) => listeningItemRepository.linkTicket(m, 'mastodon', '203', 43, 2000))).toBe(n.itemId);
    expect(await listeningItemRepository.findById(t.s.db.m, n.itemId)).toMatchObject({ status: 'ticketed', ticketId: 43 });
  });

  it('counts each stream\'s finds per day', async () => {
    const a = await stream('Daily');
    const day = 86_400_000;
    for (const [id, at] of [['301', 20_000 * day + 5], ['302', 20_000 * day + 9], ['303', 20_001 * day + 1]] as const) {
      await t.s.db.write((m) => listeningItemRepository.upsertMatchedPost(m, post(id), a.id, 'acme', at));
    }
    const per = await listeningStreamRepository.itemsPerDay(t.s.db.m, [a.id], 19_999 * day);
    expect(per.get(a.id)).toEqual([{ day: new Date(20_001 * day).toISOString().slice(0, 10), count: 1 }, { day: new Date(20_000 * day).toISOString().slice(0, 10), count: 2 }]);
  });
});
