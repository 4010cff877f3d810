import http from 'node:http';
import type { AddressInfo } from 'node:net';

// A status as Mastodon's search returns it (docs.joinmastodon.org/entities/Status).
export const mastodonStatus = (id: string, text: string, followers: number, language = 'en') => ({
  id, created_at: '2026-12-01T10:00:00.000Z', visibility: 'public', language, in_reply_to_id: null, url: `https://fake.social/@u${id}/${id}`,
  uri: `https://fake.social/users/u${id}/statuses/${id}`, sensitive: false, spoiler_text: '', media_attachments: [], mentions: [], tags: [],
  content: `<p>${text}</p>`, account: { id: `a${id}`, acct: `u${id}@fake.social`, display_name: `User ${id}`, url: `https://fake.social/@u${id}`, followers_count: followers },
});

// Status search as Mastodon answers it: a bearer token is required, `type=statuses` and `q` must
// be there, and `since_id` leaves out statuses at or below it. `statuses` is what the server holds.
export async function fakeMastodonSearch(token: string) {
  const statuses: ReturnType<typeof mastodonStatus>[] = [];
  const requests: URL[] = [];
  const server = http.createServer((req, res) => {
    const u = new URL(req.url!, 'http://x');
    requests.push(u);
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (u.pathname !== '/api/v2/search') return json(404, { error: 'Record not found' });
    if (req.headers.authorization !== `Bearer ${token}`) return json(401, { error: 'The access token is invalid' });
    if (u.searchParams.get('type') !== 'statuses' || !u.searchParams.get('q')) return json(422, { error: 'Validation failed' });
    const since = u.searchParams.get('since_id');
    const found = statuses.filter((s) => !since || BigInt(s.id) > BigInt(since)).sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
    json(200, { accounts: [], hashtags: [], statuses: found.slice(0, Number(u.searchParams.get('limit') ?? 20)) });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { statuses, requests, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((ok) => server.close(() => ok())) };
}
