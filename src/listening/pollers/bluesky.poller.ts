import { z } from 'zod';
import type { ListeningStream } from '../../db/entities';
import type { ListenedPost } from '../../db/repositories/listening-item.repository';
import { PollRefused, type PollResult } from './poller';
import { platformFetch, platformJson } from './platform-fetch';
import { notBeforeOf, refusal } from './rate-limit';

const searchPage = z.looseObject({
  cursor: z.string().optional(),
  posts: z.array(z.looseObject({
    uri: z.string(), cid: z.string().optional(), indexedAt: z.string(),
    author: z.looseObject({ did: z.string(), handle: z.string(), displayName: z.string().optional() }),
    record: z.looseObject({ text: z.string().default(''), createdAt: z.string().optional(), langs: z.array(z.string()).optional() }),
  })),
});
const profiles = z.looseObject({ profiles: z.array(z.looseObject({ did: z.string(), followersCount: z.number().optional() })) });

// Bluesky: app.bsky.feed.searchPosts (sort=latest, paged by cursor) until a post indexed no later
// than the stream's cursor (the newest indexedAt seen); followers from app.bsky.actor.getProfiles.
export async function pollBlueskyStream(stream: ListeningStream, now: number): Promise<PollResult> {
  const base = stream.settings?.apiBaseUrl ?? 'https://public.api.bsky.app';
  const auth: Record<string, string> = stream.settings?.accessToken ? { authorization: `Bearer ${stream.settings.accessToken}` } : {};
  const q = stream.query;
  const terms = [...q.keywords, ...q.phrases.map((p) => `"${p}"`), ...q.hashtags.map((h) => `#${h.replace(/^#/, '')}`)];
  if (!terms.length) throw new PollRefused('The stream has no keywords, phrases or hashtags to search for.');
  const since = stream.cursor;
  const found: z.infer<typeof searchPage>['posts'] = [];
  let cursor: string | undefined;
  let notBefore: number | undefined;
  const call = async (url: URL, what: string) => {
    const res = await platformFetch('Bluesky', what, url, { accept: 'application/json', ...auth });
    notBefore = notBeforeOf(res, now) ?? notBefore;
    if (!res.ok) throw new PollRefused(await refusal('Bluesky', what, res), notBefore);
    return platformJson('Bluesky', what, res);
  };
  pages: for (let i = 0; i < 5; i++) {
    const url = new URL('/xrpc/app.bsky.feed.searchPosts', base);
    url.searchParams.set('q', terms.join(' '));
    url.searchParams.set('sort', 'latest');
    url.searchParams.set('limit', '100');
    if (q.language) url.searchParams.set('lang', q.language);
    if (cursor) url.searchParams.set('cursor', cursor);
    const b = searchPage.safeParse(await call(url, 'post search'));
    if (!b.success) throw new PollRefused('Bluesky answered post search with something other than a search result.');
    for (const p of b.data.posts) {
      if (since && p.indexedAt <= since) break pages;
      found.push(p);
    }
    cursor = b.data.cursor;
    if (!cursor || notBefore) break;
  }
  const followers = new Map<string, number>();
  const dids = [...new Set(found.map((p) => p.author.did))];
  for (let i = 0; i < dids.length; i += 25) {
    const url = new URL('/xrpc/app.bsky.actor.getProfiles', base);
    for (const d of dids.slice(i, i + 25)) url.searchParams.append('actors', d);
    const b = profiles.safeParse(await call(url, 'author profiles'));
    if (b.success) for (const p of b.data.profiles) if (p.followersCount != null) followers.set(p.did, p.followersCount);
  }
  const posts: ListenedPost[] = found.map((p) => ({
    platform: 'bluesky', externalId: p.uri, authorId: p.author.did, authorHandle: p.author.handle, authorName: p.author.displayName || null,
    authorUrl: `https://bsky.app/profile/${p.author.handle}`, authorFollowers: followers.get(p.author.did) ?? null, text: p.record.text,
    language: p.record.langs?.[0] ?? null, url: `https://bsky.app/profile/${p.author.handle}/post/${p.uri.split('/').pop()}`,
    postedAt: Date.parse(p.record.createdAt ?? p.indexedAt) || now, raw: p,
  }));
  const newest = [since, ...found.map((p) => p.indexedAt)].filter((x): x is string => !!x).sort().pop() ?? null;
  return { posts, cursor: newest, notBefore };
}
