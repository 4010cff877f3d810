import type { InboundAttachment, InboundMessage, ParseResult, RawItem } from '../inbound-message';
import type { Inbox } from '../../db/entities';
import { verifyHmacHex } from '../signature';
import { downloadMedia, tryDownload, type MediaNote } from './media';
import { metaChange, metaEnvelope, metaMessagingEvent, type MetaChange, type MetaMessagingEvent } from './meta.schema';
import { platformTime } from './platform-time';
import { checked, hashOf, malformedItem, zodReason } from './social-items';
import type { SocialPlatform } from './social-types';

const RAW = 'meta.event.v1';
const KNOWN = ['message', 'postback', 'reaction'];

// Messenger and Instagram share Meta's webhook: messaging[] (and standby[], the messages that
// arrive while another app holds the conversation) are direct messages, changes[] public
// comments and mentions. Signed with the app secret (the inbox secret) over the raw body.
export const meta: SocialPlatform = {
  name: 'meta',
  channels: ['messenger', 'instagram'],
  rawType: RAW,
  verify: (inbox, req, raw) => verifyHmacHex(inbox.secret, raw, req.header('x-hub-signature-256')),
  handshake: (inbox, q) => metaHandshake(inbox, q),
  split: (body) => {
    const env = metaEnvelope.safeParse(body);
    if (!env.success) return [malformedItem('meta', zodReason(env.error), body)];
    const object = env.data.object;
    const items: RawItem[] = [];
    for (const entry of env.data.entry) {
      const pageId = entry.id;
      for (const [list, standby] of [[entry.messaging ?? [], false], [entry.standby ?? [], true]] as const) {
        for (const raw of list) {
          items.push(...checked('meta', metaMessagingEvent, raw, (ev) => messagingItem(object, pageId, ev, standby)));
        }
      }
      for (const raw of entry.changes ?? []) {
        items.push(...checked('meta', metaChange, raw, (ch) => changeItem(object, pageId, ch, entry.time)));
      }
    }
    return items;
  },
  parse: (raw, inbox) => parseMeta(raw, inbox),
};

function messagingItem(object: string, pageId: string, ev: MetaMessagingEvent, standby: boolean): RawItem {
  const sender = ev.sender.id ?? ev.sender.user_ref;
  const raw = (kind: string, extra: Record<string, unknown> = {}) => JSON.stringify({ object, pageId, kind, ev, standby, ...extra });
  // Meta reuses a mid across a batch in tests and retries; the sender makes it unique. An unsend
  // names the mid of the message it takes back, so it needs a key of its own.
  if (ev.message) return { key: `meta:${ev.message.mid}:${sender}${ev.message.is_deleted ? ':deleted' : ''}`, raw: raw('messaging'), rawType: RAW };
  if (ev.postback) return { key: `meta:postback:${ev.postback.mid ?? hashOf(ev)}:${sender}`, raw: raw('postback'), rawType: RAW };
  if (ev.reaction) return { key: `meta:reaction:${ev.reaction.mid}:${sender}:${hashOf(ev)}`, raw: raw('reaction'), rawType: RAW };
  const what = Object.keys(ev).filter((k) => !['sender', 'recipient', 'timestamp'].includes(k) && !KNOWN.includes(k));
  return { key: `meta:other:${hashOf(ev)}`, raw: raw('other', { what: what.join(', ') || 'empty' }), rawType: RAW };
}

function changeItem(object: string, pageId: string, ch: MetaChange, time: unknown): RawItem {
  const v = ch.value;
  const raw = JSON.stringify({ object, pageId, kind: 'change', field: ch.field, value: v, time });
  const id = v.comment_id ?? v.id ?? v.post_id;
  const verb = v.verb && v.verb !== 'add' ? `:${v.verb}` : '';
  if (id) return { key: `meta:change:${ch.field}:${id}${verb}`, raw, rawType: RAW };
  // A mention in a post's caption carries only the media id.
  if (v.media_id) return { key: `meta:change:${ch.field}:media:${v.media_id}`, raw, rawType: RAW };
  return { key: `meta:change:${ch.field}:${hashOf(v)}`, raw, rawType: RAW };
}

async function parseMeta(raw: string, inbox: Inbox): Promise<ParseResult> {
  const e = JSON.parse(raw);
  const channel: 'instagram' | 'messenger' = e.object === 'instagram' ? 'instagram' : 'messenger';
  const own = String(inbox.settings?.pageId ?? e.pageId);
  if (e.kind === 'other') return { ignore: `Meta ${e.what} event: nothing to store` };
  if (e.kind === 'change') return parseChange(e, channel, own, inbox);

  const ev = e.ev as MetaMessagingEvent;
  const sender = String(ev.sender.id ?? ev.sender.user_ref);
  if (ev.message?.is_echo || sender === own) return { ignore: 'our own message seen again (echo)' };
  const time = platformTime(ev.timestamp);
  const base = {
    channel, threadKey: `dm:${sender}`, author: { kind: channel, value: sender }, audienceHint: 'private' as const, receivedAt: time.receivedAt,
  };
  const flags = { recipientId: sender, ...(e.standby ? { standby: true } : {}), ...(time.timeNote ? { timeNote: time.timeNote } : {}) };

  if (e.kind === 'postback') {
    const pb = ev.postback!;
    return { ...base, externalId: pb.mid ?? null, text: pb.title ?? pb.payload ?? '(tapped a button)', flags: { ...flags, postback: { title: pb.title ?? null, payload: pb.payload ?? null } } };
  }
  if (e.kind === 'reaction') {
    const r = ev.reaction!;
    return { ...base, text: '', flags, action: { kind: 'reaction', targetExternalId: r.mid, emoji: r.action === 'unreact' ? null : r.emoji ?? r.reaction ?? '?' } };
  }
  const m = ev.message!;
  if (m.is_deleted) return { ...base, text: '', flags, action: { kind: 'withdraw', targetExternalId: m.mid } };
  const media = await metaAttachments(m.attachments ?? []);
  const lines = [m.text ?? m.quick_reply?.payload ?? '', ...media.lines].filter(Boolean);
  return {
    ...base, externalId: m.mid, replyToExternalId: m.reply_to?.mid ?? null,
    text: lines.join('\n') || (m.attachments?.length ? `(${m.attachments.map((a) => a.type).join(', ')})` : '(message)'),
    attachments: media.attachments,
    flags: { ...flags, quickReply: m.quick_reply?.payload ?? null, ...(media.notes.length ? { media: media.notes } : {}), ...(m.reply_to?.story ? { storyReply: m.reply_to.story.url ?? null } : {}) },
  };
}

// Files a person sent are stored; shared posts, reels and story mentions are kept as their link
// and caption (Meta forbids storing story content, and a share is someone else's post).
async function metaAttachments(list: NonNullable<NonNullable<MetaMessagingEvent['message']>['attachments']>) {
  const attachments: InboundAttachment[] = [];
  const notes: MediaNote[] = [];
  const lines: string[] = [];
  for (const [i, a] of list.entries()) {
    const url = a.payload?.url ?? null;
    const title = a.payload?.title ?? null;
    if (['image', 'video', 'audio', 'file'].includes(a.type) && url) {
      const ok = await tryDownload(notes, attachments, a.type, url, () => downloadMedia(url, { stem: `${a.type}-${i + 1}` }));
      if (!ok) lines.push(`(${a.type}: ${url})`);
    } else if (a.type === 'story_mention') {
      lines.push(`Mentioned you in their story${url ? `: ${url}` : ''}`);
      notes.push({ type: a.type, url });
    } else if (['ig_reel', 'reel'].includes(a.type)) {
      lines.push(`Shared a reel${title ? `: ${title}` : ''}${url ? `\n${url}` : ''}`);
      notes.push({ type: a.type, url });
    } else if (['share', 'ig_post', 'template', 'fallback'].includes(a.type)) {
      lines.push(`Shared a post${title ? `: ${title}` : ''}${url ? `\n${url}` : ''}`);
      notes.push({ type: a.type, url });
    } else {
      lines.push(`(${a.type}${url ? `: ${url}` : ''})`);
      notes.push({ type: a.type, url });
    }
  }
  return { attachments, notes, lines };
}

async function parseChange(e: { field: string; value: MetaChange['value']; time: unknown; pageId: string }, channel: 'instagram' | 'messenger', own: string, inbox: Inbox): Promise<ParseResult> {
  const v = e.value;
  const from = v.from ?? {};
  if (from.id && from.id === own) return { ignore: 'our own comment seen again (echo)' };
  const time = platformTime(v.created_time ?? e.time);
  const target = v.comment_id ?? v.id ?? v.post_id;
  const mediaId = v.media_id ?? v.media?.id ?? null;
  const author = from.id
    ? { kind: channel, value: from.id, handle: from.username ?? null, name: from.username ?? from.name }
    : { kind: channel, value: `unknown:${target ?? mediaId}`, name: channel === 'instagram' ? 'Instagram user' : 'Facebook user' };
  const base = { channel, author, audienceHint: 'public' as const, receivedAt: time.receivedAt, threadKey: `media:${mediaId ?? v.post_id ?? v.parent_id ?? target}` };
  const flags = { commentId: target ?? null, mediaId, ...(time.timeNote ? { timeNote: time.timeNote } : {}) };

  if (!target && e.field === 'mentions' && mediaId) return captionMention(base, flags, mediaId, inbox);
  if (!target) return { ignore: `Meta ${e.field} change without a comment, post or media id: nothing to store` };
  if (v.item === 'reaction') return { ...base, text: '', flags, action: { kind: 'reaction', targetExternalId: v.comment_id ?? v.post_id ?? target, emoji: v.verb === 'remove' ? null : v.reaction_type ?? '?' } };
  if (v.verb === 'remove') return { ...base, text: '', flags, action: { kind: 'withdraw', targetExternalId: target } };
  if (v.verb === 'edited') return { ignore: `an edit of ${e.field} ${target}: Chorus keeps the text first received` };
  const text = v.text ?? v.message ?? (e.field === 'mentions' ? '(mentioned you in a comment)' : '(comment)');
  return {
    ...base, externalId: target, replyToExternalId: v.parent_id && v.parent_id !== v.post_id ? v.parent_id : null,
    subject: `${e.field === 'mentions' ? 'Mention' : 'Comment'} on ${channel}`, text, flags,
  };
}

// Instagram names only the media a caption mention is on; the caption, author and link come
// from the mentioned_media edge of our account (Graph API), or the message says they could not.
async function captionMention(base: Omit<InboundMessage, 'text'>, flags: Record<string, unknown>, mediaId: string, inbox: Inbox): Promise<InboundMessage> {
  const cfg = (inbox.settings ?? {}) as { apiBaseUrl?: string; accessToken?: string; pageId?: string };
  const msg: InboundMessage = { ...base, externalId: `media:${mediaId}`, subject: 'Mention in a post caption', text: 'Mentioned you in the caption of a post', flags: { ...flags, captionMention: true } };
  try {
    const url = new URL(`${cfg.apiBaseUrl}/${cfg.pageId}`);
    url.searchParams.set('fields', `mentioned_media.media_id(${mediaId}){caption,media_type,media_url,permalink,username,timestamp}`);
    url.searchParams.set('access_token', cfg.accessToken ?? '');
    const res = await fetch(url, { signal: AbortSignal.timeout(15_000) });
    if (!res.ok) throw new Error(`the platform answered HTTP ${res.status}`);
    const media = ((await res.json()) as { mentioned_media?: { caption?: string; permalink?: string; username?: string } }).mentioned_media ?? {};
    msg.text = [media.caption ? `Mentioned you in a post: ${media.caption}` : msg.text, media.permalink].filter(Boolean).join('\n');
    if (media.username) msg.author = { kind: base.author.kind, value: `username:${media.username}`, handle: media.username, name: media.username };
    msg.flags = { ...msg.flags, permalink: media.permalink ?? null };
  } catch (err) {
    msg.flags = { ...msg.flags, mediaError: `the caption could not be fetched: ${(err as Error).message}` };
  }
  return msg;
}

export function metaHandshake(inbox: { settings: Record<string, any> | null }, q: Record<string, unknown>) {
  if (q['hub.mode'] === 'subscribe' && q['hub.verify_token'] && q['hub.verify_token'] === inbox.settings?.verifyToken) {
    return { status: 200, body: String(q['hub.challenge'] ?? ''), type: 'text/plain' };
  }
  return { status: 403, body: { error: { code: 'forbidden', message: 'hub.verify_token does not match this inbox', details: null } } };
}
