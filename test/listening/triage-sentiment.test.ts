import { listeningItemRepository } from '../../src/db/repositories/listening-item.repository';
import { dismissItems } from '../../src/listening/commands/dismiss-items';
import { scoreSentiment } from '../../src/listening/sentiment';
import { startTestChorus, type TestChorus } from '../helpers/test-chorus';
import { waitFor } from '../helpers/wait';

describe('listening sentiment', () => {
  it('scores English posts and gives none for other languages', () => {
    expect(scoreSentiment('This update is terrible, my app keeps crashing', 'en')!).toBeLessThan(0);
    expect(scoreSentiment('I love the new release and it is great, thanks to you', null)!).toBeGreaterThan(0);
    expect(scoreSentiment('Das Update ist schrecklich und die App stürzt ab', 'de')).toBeNull();
    // An unknown language that the detector cannot call English stays unscored.
    expect(scoreSentiment('Die App ist nicht gut und ich habe keine Lust mehr', null)).toBeNull();
  });
});

describe('listening triage', () => {
  let t: TestChorus;
  beforeAll(async () => { t = await startTestChorus(); });
  afterAll(async () => { await t.stop(); });

  const store = async (externalId: string, text: string, language: string | null) => {
    const now = Date.now();
    const [stream] = await t.s.db.m.query('SELECT id FROM listening_streams LIMIT 1');
    const streamId = stream ? Number(stream.id) : Number((await t.s.db.m.getRepository('ListeningStream').insert({
      name: 'Brand', platform: 'mastodon', query: { keywords: ['acme'], phrases: [], hashtags: [], exclusions: [], language: null }, settings: null,
      enabled: false, pollSeconds: 60, cursor: null, lastPolledAt: null, lastError: null, nextPollAt: null, createdBy: null, createdAt: now, updatedAt: now,
    })).identifiers[0].id);
    const r = await t.s.db.transaction(async (tx) => {
      const u = await listeningItemRepository.upsertMatchedPost(tx.m, { platform: 'mastodon', externalId, authorId: '7', authorHandle: 'zoe', authorName: 'Zoe', authorUrl: null, authorFollowers: 12_000, text, language, url: null, postedAt: now, raw: {} }, streamId, 'acme', now);
      tx.emit('listening.item.created', { itemId: u.itemId, streamId });
      return u;
    });
    return r.itemId;
  };

  it('scores a stored English post when it is created, and leaves a German one unscored', async () => {
    const en = await store('9001', 'Acme support is awful, nobody answers', 'en');
    const de = await store('9002', 'Acme ist schrecklich', 'de');
    const item = await waitFor(() => listeningItemRepository.findById(t.s.db.m, en), (i) => i?.sentiment !== null);
    expect(item!.sentiment).toBeLessThan(0);
    await t.s.bus.drain();
    expect((await listeningItemRepository.findById(t.s.db.m, de))!.sentiment).toBeNull();
  });

  it('a dismissed post stays dismissed when a poll finds it again', async () => {
    const id = await store('9003', 'acme again', 'en');
    expect(await dismissItems(t.s.db, Date.now(), [id], 'dismissed')).toEqual([id]);
    await store('9003', 'acme again', 'en');
    expect((await listeningItemRepository.findById(t.s.db.m, id))!.status).toBe('dismissed');
    // Dismissing twice changes nothing more.
    expect(await dismissItems(t.s.db, Date.now(), [id], 'spam')).toEqual([]);
  });
});
