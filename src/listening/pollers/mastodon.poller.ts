import { z } from 'zod';
import { htmlToPlain } from '../../channels/social/social-types';
import type { ListeningStream } from '../../db/entities';
import type { ListenedPost } from '../../db/repositories/listening-item.repository';
import { PollRefused, type PollResult } from './poller';
import { platformFetch, platformJson } from './platform-fetch';
import { notBeforeOf, refusal } from './rate-limit';

const status = z.looseObject({
  id: z.string(), content: z.string().default(''), language: z.string().nullable().optional(), url: z.string().nullable().optional(),
  created_at: z.string(), visibility: z.string().optional(),
  account: z.looseObject({ id: z.string(), acct: z.string(), display_name: z.string().optional(), url: z.string().optional(), followers_count: z.number().optional() }),
});
type Status = z.infer<typeof status>;

// Mastodon: each hashtag's public timeline (GET /api/v1/timelines/tag/:hashtag) and, for the
// keywords and phrases, status search (GET /api/v2/search?type=statuses, needs a token). The
// cursor is the newest status id seen, sent as since_id to each.
export async function pollMastodonStream(stream: ListeningStream, now: number): Promise<PollResult> {
  const base = stream.settings?.apiBaseUrl;
  if (!base) throw new PollRefused('The stream has no Mastodon server address set.');
  const token = stream.settings?.accessToken;
  const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const q = stream.query;
  const found: Status[] = [];
  const get = async (url: URL, what: string) => {
    if (stream.cursor) url.searchParams.set('since_id', stream.cursor);
    url.searchParams.set('limit', '40');
    const res = await platformFetch('Mastodon', what, url, { accept: 'application/json', ...auth });
    const notBefore = notBeforeOf(res, now);
    if (!res.ok) throw new PollRefused(await refusal('Mastodon', what, res), notBefore);
    return { body: await platformJson('Mastodon', what, res), notBefore };
  };
  let notBefore: number | undefined;
  for (const tag of q.hashtags) {
    const r = await get(new URL(`/api/v1/timelines/tag/${encodeURIComponent(tag.replace(/^#/, ''))}`, base), `the #${tag} timeline`);
    notBefore = r.notBefore ?? notBefore;
    found.push(...parseList(r.body, `the #${tag} timeline`));
  }
  const words = [...q.keywords, ...q.phrases.map((p) => `"${p}"`)].join(' ');
  if (words) {
    if (!token) throw new PollRefused('Mastodon status search needs an access token; the stream has none.');
    const url = new URL('/api/v2/search', base);
    url.searchParams.set('type', 'statuses');
    url.searchParams.set('q', words);
    const r = await get(url, 'status search');
    notBefore = r.notBefore ?? notBefore;
    const b = z.looseObject({ statuses: z.array(z.unknown()) }).safeParse(r.body);
    if (!b.success) throw new PollRefused('Mastodon answered the status search with something other than a search result.');
    found.push(...parseList(b.data.statuses, 'status search'));
  }
  const posts = found.filter((s) => !s.visibility || s.visibility === 'public' || s.visibility === 'unlisted').map(toPost);
  const newest = [stream.cursor, ...found.map((s) => s.id)].filter((x): x is string => !!x && /^\d+$/.test(x))
    .sort((a, b) => (BigInt(a) > BigInt(b) ? -1 : 1))[0] ?? null;
  return { posts, cursor: newest, notBefore };
}

function parseList(body: unknown, what: string): Status[] {
  const list = z.array(z.unknown()).safeParse(body);
  if (!list.success) throw new PollRefused(`Mastodon answered ${what} with something other than a list of statuses.`);
  return list.data.flatMap((x) => {
    const s = status.safeParse(x);
    return s.success ? [s.data] : [];
  });
}

function toPost(s: Status): ListenedPost {
  return {
    platform: 'mastodon', externalId: s.id, authorId: s.account.id, authorHandle: s.account.acct, authorName: s.account.display_name || null,
    authorUrl: s.account.url ?? null, authorFollowers: s.account.followers_count ?? null, text: htmlToPlain(s.content),
    language: s.language ?? null, url: s.url ?? null, postedAt: Date.parse(s.created_at) || 0, raw: s,
  };
}
