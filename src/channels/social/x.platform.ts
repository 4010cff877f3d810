import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Inbox } from '../../db/entities';
import type { InboundAttachment, ParseResult, RawItem } from '../inbound-message';
import { downloadMedia, tryDownload, type MediaNote } from './media';
import { platformTime } from './platform-time';
import { checked, hashOf, malformedItem, zodReason } from './social-items';
import type { SocialPlatform } from './social-types';
import { xDmEvent, xEnvelope, xTweet, xTweetDelete, type XDmEvent, type XTweet } from './x.schema';

const RAW = 'x.event.v1';
const b64hmac = (secret: string, data: Buffer | string) => createHmac('sha256', secret).update(data).digest('base64');

// X (Account Activity API): mentions are public and threaded by reply chain, DMs private; events
// from our own account are echoes. The consumer secret (the inbox secret) signs everything.
export const x: SocialPlatform = {
  name: 'x',
  channels: ['x'],
  rawType: RAW,
  verify: (inbox, req, raw) => {
    const given = String(req.header('x-twitter-webhooks-signature') ?? '').replace(/^sha256=/, '');
    const want = b64hmac(inbox.secret, raw);
    return given.length === want.length && timingSafeEqual(Buffer.from(given), Buffer.from(want));
  },
  handshake: (inbox, q) => {
    if (typeof q.crc_token !== 'string' || !q.crc_token) return { status: 400, body: { error: { code: 'validation_failed', message: 'crc_token is required', details: null } } };
    return { status: 200, body: { response_token: `sha256=${b64hmac(inbox.secret, q.crc_token)}` } };
  },
  split: (body) => {
    const env = xEnvelope.safeParse(body);
    if (!env.success) return [malformedItem('x', zodReason(env.error), body)];
    const b = env.data;
    const own = b.for_user_id ?? '';
    const items: RawItem[] = [];
    for (const t of b.tweet_create_events ?? []) items.push(...checked('x', xTweet, t, (v) => ({ key: `x:tweet:${v.id_str ?? v.id}`, raw: JSON.stringify({ own, kind: 'tweet', t: v }), rawType: RAW })));
    for (const d of b.direct_message_events ?? []) {
      items.push(...checked('x', xDmEvent, d, (v) => v.type === 'message_create' && v.message_create
        ? { key: `x:dm:${v.id}`, raw: JSON.stringify({ own, kind: 'dm', d: v, users: b.users ?? {} }), rawType: RAW }
        : { key: `x:dm-event:${v.type}:${v.id}`, raw: JSON.stringify({ kind: 'other', what: `direct message ${v.type}` }), rawType: RAW }));
    }
    for (const del of b.tweet_delete_events ?? []) items.push(...checked('x', xTweetDelete, del, (v) => ({ key: `x:delete:${v.status.id}`, raw: JSON.stringify({ own, kind: 'delete', del: v }), rawType: RAW })));
    // Follows, likes, blocks, typing and read indicators: on the ledger, nothing to store.
    for (const [k, list] of Object.entries(b)) {
      if (!Array.isArray(list) || ['tweet_create_events', 'direct_message_events', 'tweet_delete_events'].includes(k)) continue;
      for (const ev of list) items.push({ key: `x:${k}:${hashOf(ev)}`, raw: JSON.stringify({ kind: 'other', what: k.replace(/_/g, ' ') }), rawType: RAW });
    }
    return items;
  },
  parse: (raw, inbox) => parseX(raw, inbox),
};

async function parseX(raw: string, inbox: Inbox): Promise<ParseResult> {
  const e = JSON.parse(raw);
  if (e.kind === 'other') return { ignore: `X ${e.what}: nothing to store` };
  const own = String(inbox.settings?.accountId ?? e.own);
  if (e.kind === 'delete') {
    const { status, timestamp_ms } = e.del as { status: { id: string; user_id: string }; timestamp_ms?: unknown };
    if (status.user_id === own) return { ignore: 'our own deleted post' };
    return { channel: 'x', author: { kind: 'x', value: status.user_id }, text: '', audienceHint: 'public', receivedAt: platformTime(timestamp_ms).receivedAt, action: { kind: 'withdraw', targetExternalId: status.id } };
  }
  if (e.kind === 'tweet') {
    const t = e.t as XTweet;
    const userId = String(t.user.id_str ?? t.user.id);
    if (userId === own) return { ignore: 'our own post seen again (echo)' };
    const id = String(t.id_str ?? t.id);
    const parent = t.in_reply_to_status_id_str ?? (t.in_reply_to_status_id != null ? String(t.in_reply_to_status_id) : null);
    const time = platformTime(t.timestamp_ms ?? t.created_at);
    return {
      channel: 'x', externalId: id, replyToExternalId: parent, threadKey: `tweet:${parent ?? id}`,
      author: { kind: 'x', value: userId, handle: t.user.screen_name, displayName: t.user.name ?? null, name: t.user.name ?? `@${t.user.screen_name}`, followers: t.user.followers_count ?? null },
      subject: `Mention by @${t.user.screen_name}`, text: t.extended_tweet?.full_text ?? t.full_text ?? t.text ?? '',
      audienceHint: 'public', receivedAt: time.receivedAt, flags: { tweetId: id, screenName: t.user.screen_name, ...(time.timeNote ? { timeNote: time.timeNote } : {}) },
    };
  }
  const d = e.d as XDmEvent;
  const mc = d.message_create!;
  const sender = mc.sender_id;
  if (sender === own) return { ignore: 'our own direct message seen again (echo)' };
  const u = (e.users?.[sender] ?? {}) as { screen_name?: string; name?: string; followers_count?: number };
  const time = platformTime(d.created_timestamp);
  const attachments: InboundAttachment[] = [];
  const notes: MediaNote[] = [];
  let text = mc.message_data.text ?? '';
  const media = mc.message_data.attachment?.media;
  if (media) {
    const url = media.type === 'photo' ? media.media_url_https : media.video_info?.variants?.filter((v) => v.content_type === 'video/mp4').sort((a, b) => (b.bitrate ?? 0) - (a.bitrate ?? 0))[0]?.url ?? media.media_url_https;
    const cfg = (inbox.settings ?? {}) as { bearerToken?: string };
    const type = media.type ?? 'media';
    const ok = url ? await tryDownload(notes, attachments, type, url, () => downloadMedia(url, { headers: { authorization: `Bearer ${cfg.bearerToken}` }, stem: `${type}-${media.id_str ?? d.id}` })) : false;
    if (!ok) text = [text, `(${type}${url ? `: ${url}` : ''})`].filter(Boolean).join('\n');
  }
  return {
    channel: 'x', externalId: d.id, threadKey: `dm:${sender}`,
    author: { kind: 'x', value: sender, handle: u.screen_name ?? null, displayName: u.name ?? null, name: u.name ?? `X user ${sender}`, followers: u.followers_count ?? null },
    text: text || '(direct message)', attachments, audienceHint: 'private',
    receivedAt: time.receivedAt, flags: { senderId: sender, ...(notes.length ? { media: notes } : {}), ...(time.timeNote ? { timeNote: time.timeNote } : {}) },
  };
}
