import { z } from 'zod';
import type { ListeningStream } from '../../db/entities';
import type { ListenedPost } from '../../db/repositories/listening-item.repository';
import { PollRefused, type PollResult } from './poller';
import { platformFetch, platformJson } from './platform-fetch';
import { notBeforeOf, refusal } from './rate-limit';

const page = z.looseObject({
  data: z.array(z.looseObject({ id: z.string(), text: z.string(), author_id: z.string().optional(), created_at: z.string().optional(), lang: z.string().optional() })).optional(),
  includes: z.looseObject({ users: z.array(z.looseObject({ id: z.string(), username: z.string(), name: z.string().optional(), public_metrics: z.looseObject({ followers_count: z.number() }).optional() })).optional() }).optional(),
  meta: z.looseObject({ newest_id: z.string().optional(), next_token: z.string().optional() }).optional(),
});

// X recent search (GET /2/tweets/search/recent) with since_id, the author expanded with their
// public metrics, following next_token for at most a few pages; the cursor is meta.newest_id.
export async function pollXStream(stream: ListeningStream, now: number): Promise<PollResult> {
  const base = stream.settings?.apiBaseUrl ?? 'https://api.x.com';
  const token = stream.settings?.accessToken;
  if (!token) throw new PollRefused('X recent search needs a bearer token; the stream has none.');
  const q = stream.query;
  const terms = [...q.keywords, ...q.phrases.map((p) => `"${p}"`), ...q.hashtags.map((h) => `#${h.replace(/^#/, '')}`)];
  if (!terms.length) throw new PollRefused('The stream has no keywords, phrases or hashtags to search for.');
  const query = [terms.length > 1 ? `(${terms.join(' OR ')})` : terms[0], ...q.exclusions.map((e) => `-${/\s/.test(e) ? `"${e}"` : e}`), ...(q.language ? [`lang:${q.language}`] : [])].join(' ');
  const posts: ListenedPost[] = [];
  let newest = stream.cursor;
  let nextToken: string | undefined;
  let notBefore: number | undefined;
  for (let pageNo = 0; pageNo < 5; pageNo++) {
    const url = new URL('/2/tweets/search/recent', base);
    url.searchParams.set('query', query);
    url.searchParams.set('max_results', '100');
    url.searchParams.set('expansions', 'author_id');
    url.searchParams.set('user.fields', 'public_metrics,username,name');
    url.searchParams.set('tweet.fields', 'created_at,lang,author_id');
    if (stream.cursor) url.searchParams.set('since_id', stream.cursor);
    if (nextToken) url.searchParams.set('next_token', nextToken);
    const res = await platformFetch('X', 'recent search', url, { authorization: `Bearer ${token}` });
    notBefore = notBeforeOf(res, now) ?? notBefore;
    if (!res.ok) throw new PollRefused(await refusal('X', 'recent search', res), notBefore);
    const b = page.safeParse(await platformJson('X', 'recent search', res));
    if (!b.success) throw new PollRefused('X answered recent search with something other than a search result.');
    const users = new Map((b.data.includes?.users ?? []).map((u) => [u.id, u]));
    for (const t of b.data.data ?? []) {
      const u = t.author_id ? users.get(t.author_id) : undefined;
      posts.push({
        platform: 'x', externalId: t.id, authorId: t.author_id ?? null, authorHandle: u?.username ?? null, authorName: u?.name ?? null,
        authorUrl: u ? `https://x.com/${u.username}` : null, authorFollowers: u?.public_metrics?.followers_count ?? null, text: t.text,
        language: t.lang ?? null, url: u ? `https://x.com/${u.username}/status/${t.id}` : null, postedAt: Date.parse(t.created_at ?? '') || now, raw: t,
      });
    }
    if (pageNo === 0 && b.data.meta?.newest_id) newest = b.data.meta.newest_id;
    nextToken = b.data.meta?.next_token;
    if (!nextToken || notBefore) break;
  }
  return { posts, cursor: newest ?? null, notBefore };
}
