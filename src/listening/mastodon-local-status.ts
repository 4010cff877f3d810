import type { Inbox, ListeningItem } from '../db/entities';
import { ConflictError } from '../errors';

// Mastodon status ids belong to the server that hands them out: a post a stream found through
// one server has another id on the inbox's own server, and only that id can be answered from
// the inbox's account. When the two servers differ, the inbox's server looks the post up by its
// URL (status search with resolve=true, as Mastodon clients do) and its id is the one used.
export async function mastodonLocalStatusId(inbox: Inbox, item: ListeningItem, streamBase: string | null | undefined): Promise<string> {
  const cfg = (inbox.settings ?? {}) as { apiBaseUrl?: string; accessToken?: string };
  if (!cfg.apiBaseUrl || !streamBase || new URL(streamBase).origin === new URL(cfg.apiBaseUrl).origin) return item.externalId;
  if (!item.url) throw new ConflictError(`The post has no address, so ${new URL(cfg.apiBaseUrl).host} cannot find it to answer it.`);
  const url = new URL('/api/v2/search', cfg.apiBaseUrl);
  url.searchParams.set('q', item.url);
  url.searchParams.set('type', 'statuses');
  url.searchParams.set('resolve', 'true');
  url.searchParams.set('limit', '1');
  const res = await fetch(url, { headers: { authorization: `Bearer ${cfg.accessToken}` }, signal: AbortSignal.timeout(15_000) });
  if (!res.ok) throw new ConflictError(`${url.host} could not look the post up (HTTP ${res.status}); try again, or answer it from the server the stream searches.`);
  const body = (await res.json().catch(() => null)) as { statuses?: { id?: unknown }[] } | null;
  const id = body?.statuses?.[0]?.id;
  if (typeof id !== 'string' && typeof id !== 'number') throw new ConflictError(`${url.host} does not know the post ${item.url}; it may be private or deleted.`);
  return String(id);
}
