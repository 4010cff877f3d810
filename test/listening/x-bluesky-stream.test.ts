import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ListeningPlatform } from '../../src/db/entities';
import { listeningItemRepository } from '../../src/db/repositories/listening-item.repository';
import { listeningStreamRepository } from '../../src/db/repositories/listening-stream.repository';
import { pollStream } from '../../src/listening/poll-stream';
import { startTestChorus, type TestChorus } from '../helpers/test-chorus';

describe('X and Bluesky listening streams against fake servers', () => {
  let t: TestChorus;
  let server: http.Server;
  let base: string;
  const seen: URL[] = [];
  beforeAll(async () => {
    t = await startTestChorus({ env: { CHORUS_WORKERS: 'false' } });
    server = http.createServer((req, res) => {
      const u = new URL(req.url!, 'http://x');
      seen.push(u);
      const json = (status: number, body: unknown, headers: Record<string, string> = {}) => res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
      if (u.pathname === '/2/tweets/search/recent') {
        // As X does: bearer auth, the author expansion asked for, pages by next_token.
        if (req.headers.authorization !== 'Bearer x-tok') return json(401, { title: 'Unauthorized', detail: 'Unauthorized', type: 'about:blank', status: 401 });
        if (u.searchParams.get('expansions') !== 'author_id' || !u.searchParams.get('user.fields')?.includes('public_metrics')) return json(400, { title: 'Invalid Request' });
        const users = [{ id: '2244994945', username: 'bob', name: 'Bob', public_metrics: { followers_count: 15000, following_count: 3, tweet_count: 10, listed_count: 0 } }];
        if (!u.searchParams.get('next_token')) {
          return json(200, { data: [{ id: '1800000000000000002', text: 'acme support is slow', author_id: '2244994945', created_at: '2026-12-01T10:00:00.000Z', lang: 'en', edit_history_tweet_ids: ['1800000000000000002'] }], includes: { users }, meta: { newest_id: '1800000000000000002', oldest_id: '1800000000000000002', result_count: 1, next_token: 'b26v89c19zqg8o3f' } }, { 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(Math.floor(Date.now() / 1000) + 900) });
        }
        return json(200, { data: [{ id: '1800000000000000001', text: 'acme rocks', author_id: '2244994945', created_at: '2026-12-01T09:00:00.000Z', lang: 'en' }], includes: { users }, meta: { result_count: 1 } });
      }
      if (u.pathname === '/xrpc/app.bsky.feed.searchPosts') {
        return json(200, { posts: [{ uri: 'at://did:plc:abc/app.bsky.feed.post/3kxyz', cid: 'bafy1', indexedAt: '2026-12-01T10:00:01.000Z', author: { did: 'did:plc:abc', handle: 'cara.bsky.social', displayName: 'Cara' }, record: { $type: 'app.bsky.feed.post', text: 'acme app crashed again', createdAt: '2026-12-01T10:00:00.000Z', langs: ['en'] }, replyCount: 0, repostCount: 0, likeCount: 0 }] });
      }
      if (u.pathname === '/xrpc/app.bsky.actor.getProfiles') return json(200, { profiles: u.searchParams.getAll('actors').map((did) => ({ did, handle: 'cara.bsky.social', followersCount: 321 })) });
      return json(404, { error: 'MethodNotImplemented' });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => { server.close(); await t.stop(); });

  const makeStream = (platform: ListeningPlatform, token?: string) => t.s.db.write((m) => listeningStreamRepository.insert(m, {
    name: platform, platform, query: { keywords: ['acme'], phrases: [], hashtags: [], exclusions: ['giveaway'], language: 'en' },
    settings: { apiBaseUrl: base, accessToken: token }, enabled: true, pollSeconds: 60, cursor: null, lastPolledAt: null, lastError: null, nextPollAt: null, createdBy: null, createdAt: 1, updatedAt: 1,
  }));

  it('X: recent search with the author expanded; stops paging when the rate limit runs out and waits for its reset', async () => {
    const stream = await makeStream('x', 'x-tok');
    const now = Date.now();
    const r = await pollStream(t.s, stream, now);
    expect(r).toMatchObject({ found: 1, created: 1, error: null });
    expect(seen.filter((u) => u.pathname === '/2/tweets/search/recent')[0].searchParams.get('query')).toBe('acme -giveaway lang:en');
    expect(await listeningItemRepository.findByPost(t.s.db.m, 'x', '1800000000000000002')).toMatchObject({ authorHandle: 'bob', authorFollowers: 15000 });
    const after = (await listeningStreamRepository.findById(t.s.db.m, stream.id))!;
    expect(after.cursor).toBe('1800000000000000002');
    expect(after.nextPollAt!).toBeGreaterThan(now + 800_000);
    expect((await pollStream(t.s, await makeStream('x', 'nope'), now)).error).toBe('X refused the access token (HTTP 401) on recent search: Unauthorized');
  });

  it('Bluesky: searchPosts sorted latest, followers from getProfiles', async () => {
    const stream = await makeStream('bluesky');
    expect(await pollStream(t.s, stream, Date.now())).toMatchObject({ found: 1, created: 1, error: null });
    const search = seen.find((u) => u.pathname === '/xrpc/app.bsky.feed.searchPosts')!;
    expect([search.searchParams.get('q'), search.searchParams.get('sort')]).toEqual(['acme', 'latest']);
    expect(await listeningItemRepository.findByPost(t.s.db.m, 'bluesky', 'at://did:plc:abc/app.bsky.feed.post/3kxyz')).toMatchObject({ authorHandle: 'cara.bsky.social', authorFollowers: 321, language: 'en' });
    const again = await pollStream(t.s, (await listeningStreamRepository.findById(t.s.db.m, stream.id))!, Date.now());
    expect(again).toMatchObject({ found: 0, created: 0 });
  });
});
