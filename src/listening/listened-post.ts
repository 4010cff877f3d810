import type { IgnoredItem, InboundMessage, RawItem } from '../channels/inbound-message';
import type { Inbox, ListeningItem } from '../db/entities';

// A listened post handed to the ingest pipeline as if it had arrived as a mention: the same
// ledger key the mention path uses (so a post that later comes as a mention, or came as one
// before, is one ledger row and one ticket), the same thread key (so a reply to it threads in),
// and its author's identity with their followers (reach on the contact, inbox row and ticket).
export const LISTENED_RAW_TYPE = 'listening.post.v1';

const LEDGER_KEYS: Record<string, (id: string) => string> = {
  mastodon: (id) => `masto:${id}`,
  x: (id) => `x:tweet:${id}`,
  bluesky: (uri) => `bsky:post:${uri}`,
};

export function ledgerKeyOf(platform: string, externalId: string): string {
  return (LEDGER_KEYS[platform] ?? ((id: string) => `${platform}:post:${id}`))(externalId);
}

// `localId`: the post's id on the inbox's own server when it differs from the one the stream
// read (Mastodon ids are per server); the post it answered is then unknown there.
export function listenedRawItem(item: ListeningItem, localId: string = item.externalId): RawItem {
  const here = localId === item.externalId ? item : { ...item, externalId: localId, raw: { ...(item.raw ?? {}), in_reply_to_id: null } };
  return { key: ledgerKeyOf(item.platform, localId), rawType: LISTENED_RAW_TYPE, raw: JSON.stringify({ itemId: item.id, item: here }) };
}

// The post a listened post answers on its platform, when the search result said so.
function parentOf(item: ListeningItem): string | null {
  const raw = item.raw ?? {};
  if (item.platform === 'mastodon' && raw.in_reply_to_id) return String(raw.in_reply_to_id);
  if (item.platform === 'x') return (raw.referenced_tweets as { type: string; id: string }[] | undefined)?.find((r) => r.type === 'replied_to')?.id ?? null;
  if (item.platform === 'bluesky') return raw.record?.reply?.parent?.uri ?? null;
  return null;
}

// The inbox's own account, as each platform names it in its settings.
function isOwnPost(item: ListeningItem, inbox: Inbox): boolean {
  const cfg = (inbox.settings ?? {}) as { accountId?: string; identifier?: string };
  if (item.platform === 'bluesky') return !!cfg.identifier && [item.authorId, item.authorHandle].includes(cfg.identifier.replace(/^@/, ''));
  return !!cfg.accountId && String(cfg.accountId) === item.authorId;
}

export function parseListenedPost(raw: string, inbox: Inbox): InboundMessage | IgnoredItem {
  const { item } = JSON.parse(raw) as { item: ListeningItem };
  if (isOwnPost(item, inbox)) return { ignore: 'the post is by this inbox\'s own account' };
  const handle = item.authorHandle;
  const parent = parentOf(item);
  const who = handle ? `@${handle}` : item.authorName ?? 'someone';
  const flags: Record<string, unknown> = { listeningItemId: item.id, ...(item.url ? { url: item.url } : {}) };
  if (item.platform === 'mastodon') Object.assign(flags, { acct: handle, visibility: item.raw?.visibility ?? 'public' });
  if (item.platform === 'x') Object.assign(flags, { tweetId: item.externalId, screenName: handle });
  if (item.platform === 'bluesky') {
    // A Bluesky reply names both the post it answers and its thread's root, each by uri and cid.
    const root = item.raw?.record?.reply?.root;
    Object.assign(flags, { uri: item.externalId, cid: item.raw?.cid ?? null, rootUri: root?.uri ?? item.externalId, rootCid: root?.cid ?? item.raw?.cid ?? null });
  }
  const threadKey = { mastodon: `status:${parent ?? item.externalId}`, x: `tweet:${parent ?? item.externalId}`, bluesky: `post:${item.raw?.record?.reply?.root?.uri ?? item.externalId}` }[item.platform];
  return {
    channel: item.platform, externalId: item.externalId, replyToExternalId: parent, threadKey,
    author: {
      kind: item.platform, value: item.authorId ?? `${item.platform}:${handle ?? 'unknown'}`, handle, displayName: item.authorName,
      name: item.authorName ?? who, followers: item.authorFollowers,
    },
    subject: `Post by ${who}`, text: item.text, audienceHint: 'public', receivedAt: item.postedAt, flags,
  };
}
