import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { listeningItemRepository } from '../../src/db/repositories/listening-item.repository';
import { listeningStreamRepository } from '../../src/db/repositories/listening-stream.repository';
import { pollStream } from '../../src/listening/poll-stream';
import { startTestChorus, type TestChorus } from '../helpers/test-chorus';

// Statuses shaped as Mastodon's Status entity (docs.joinmastodon.org/entities/Status).
const status = (id: string, text: string, followers = 1200) => ({
  id, created_at: '2026-12-01T10:00:00.000Z', visibility: 'public', language: 'en', url: `https://fake.social/@ana/${id}`,
  content: `<p>${text}</p>`, account: { id: '9001', acct: 'ana@fake.social', display_name: 'Ana', url: 'https://fake.social/@ana', followers_count: followers },
});

describe('Mastodon listening stream against a fake server', () => {
  let t: TestChorus;
  let server: http.Server;
  let base: string;
  const seen: { path: string; params: URLSearchParams; auth?: string }[] = [];
  let next: (u: URL) => { status: number; body: unknown; headers?: Record<string, string> };

  beforeAll(async () => {
    t = await startTestChorus({ env: { CHORUS_WORKERS: 'false' } });
    server = http.createServer((req, res) => {
      const u = new URL(req.url!, 'http://x');
      seen.push({ path: u.pathname, params: u.searchParams, auth: req.headers.authorization });
      // As Mastodon does: search without a token finds no statuses; unknown paths are 404.
      if (u.pathname === '/api/v2/search' && req.headers.authorization !== 'Bearer tok-1') {
        res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'The access token is invalid' }));
        return;
      }
      if (!u.pathname.startsWith('/api/v1/timelines/tag/') && u.pathname !== '/api/v2/search') { res.writeHead(404).end(); return; }
      const r = next(u);
      res.writeHead(r.status, { 'content-type': 'application/json', ...r.headers }).end(JSON.stringify(r.body));
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => { server.close(); await t.stop(); });

  const makeStream = (token: string | undefined) => t.s.db.write((m) => listeningStreamRepository.insert(m, {
    name: 'Acme routers', platform: 'mastodon', query: { keywords: ['acme'], phrases: ['keeps dropping'], hashtags: ['AcmeRouter'], exclusions: ['giveaway'], language: 'en' },
    settings: { apiBaseUrl: base, accessToken: token }, enabled: true, pollSeconds: 60, cursor: null, lastPolledAt: null, lastError: null, nextPollAt: null, createdBy: null, createdAt: 1, updatedAt: 1,
  }));

  it('polls tag timeline and status search with since_id, stores each post once, and a dismissed post stays dismissed', async () => {
    const stream = await makeStream('tok-1');
    next = (u) => u.pathname === '/api/v2/search'
      ? { status: 200, body: { accounts: [], hashtags: [], statuses: [status('110', 'acme router keeps dropping'), status('111', 'acme giveaway!')] } }
      : { status: 200, body: [status('110', 'acme router keeps dropping'), status('109', '#AcmeRouter rocks', 50)] };
    const r1 = await pollStream(t.s, stream, Date.now());
    expect(r1).toEqual({ found: 3, created: 2, error: null });
    const tag = seen.find((x) => x.path === '/api/v1/timelines/tag/AcmeRouter')!;
    expect(tag.params.get('limit')).toBe('40');
    const search = seen.find((x) => x.path === '/api/v2/search')!;
    expect(search).toMatchObject({ auth: 'Bearer tok-1' });
    expect(search.params.get('type')).toBe('statuses');
    expect(search.params.get('q')).toBe('acme "keeps dropping"');
    const item = await listeningItemRepository.findByPost(t.s.db.m, 'mastodon', '110');
    expect(item).toMatchObject({ authorHandle: 'ana@fake.social', authorFollowers: 1200, text: 'acme router keeps dropping', status: 'new' });
    expect(await listeningItemRepository.findByPost(t.s.db.m, 'mastodon', '111')).toBeNull();
    await t.s.db.write((m) => listeningItemRepository.setStatus(m, [item!.id], 'dismissed', Date.now()));

    seen.length = 0;
    const after = (await listeningStreamRepository.findById(t.s.db.m, stream.id))!;
    expect(after).toMatchObject({ cursor: '111', lastError: null });
    const r2 = await pollStream(t.s, after, Date.now());
    expect(r2.created).toBe(0);
    expect(seen.every((x) => x.params.get('since_id') === '111')).toBe(true);
    expect((await listeningItemRepository.findByPost(t.s.db.m, 'mastodon', '110'))!.status).toBe('dismissed');
  });

  it('keeps a refusal in words and waits as long as Retry-After says', async () => {
    const stream = await makeStream('tok-1');
    const now = Date.now();
    const later = new Date(now + 10 * 60_000);
    next = () => ({ status: 429, body: { error: 'Too many requests' }, headers: { 'retry-after': later.toUTCString() } });
    const r = await pollStream(t.s, stream, now);
    expect(r.error).toMatch(/Mastodon is rate-limiting us \(HTTP 429\).*Too many requests/);
    const after = (await listeningStreamRepository.findById(t.s.db.m, stream.id))!;
    expect(after.lastError).toBe(r.error);
    expect(after.nextPollAt!).toBeGreaterThanOrEqual(Math.floor(later.getTime() / 1000) * 1000 - 1000);
    next = () => ({ status: 200, body: [] });
    const bad = await makeStream('wrong');
    expect((await pollStream(t.s, bad, now)).error).toMatch(/refused the access token \(HTTP 401\)/);
  });
});
