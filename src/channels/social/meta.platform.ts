import { verifyHmacHex } from '../signature';
import type { SocialPlatform } from './social-types';

// Messenger and Instagram share Meta's webhook: messaging[] are direct messages, changes[] are
// public comments and mentions. Signed with the app secret (the inbox secret) over the raw body.
export const meta: SocialPlatform = {
  name: 'meta',
  channels: ['messenger', 'instagram'],
  rawType: 'meta.event.v1',
  verify: (inbox, req, raw) => verifyHmacHex(inbox.secret, raw, req.header('x-hub-signature-256')),
  handshake: (inbox, q) => metaHandshake(inbox, q),
  split: (body) => {
    const items = [];
    const object = body?.object;
    for (const entry of body?.entry ?? []) {
      for (const ev of entry.messaging ?? []) {
        if (!ev.message?.mid) continue;
        // Meta reuses a mid across a batch in tests and retries; the sender makes it unique.
        items.push({ key: `meta:${ev.message.mid}:${ev.sender?.id}`, raw: JSON.stringify({ object, pageId: entry.id, kind: 'messaging', ev }), rawType: 'meta.event.v1' });
      }
      for (const ch of entry.changes ?? []) {
        const v = ch.value ?? {};
        const id = v.comment_id ?? v.id ?? v.post_id;
        if (!id) continue;
        items.push({ key: `meta:change:${ch.field}:${id}`, raw: JSON.stringify({ object, pageId: entry.id, kind: 'change', field: ch.field, value: v, time: entry.time }), rawType: 'meta.event.v1' });
      }
    }
    return items;
  },
  parse: (raw, inbox) => {
    const e = JSON.parse(raw);
    const channel = e.object === 'instagram' ? 'instagram' : 'messenger';
    if (e.kind === 'messaging') {
      const ev = e.ev;
      if (ev.message.is_echo || String(ev.sender.id) === String(inbox.settings?.pageId ?? e.pageId)) return null;
      const text = ev.message.text ?? ev.message.quick_reply?.payload ?? (ev.message.attachments?.length ? `(${ev.message.attachments.map((a: any) => a.type).join(', ')})` : '(message)');
      return {
        channel, externalId: ev.message.mid, threadKey: `dm:${ev.sender.id}`,
        author: { kind: channel, value: String(ev.sender.id) },
        text, audienceHint: 'private', receivedAt: ev.timestamp,
        flags: { recipientId: ev.sender.id, quickReply: ev.message.quick_reply?.payload ?? null },
      };
    }
    const v = e.value;
    const from = v.from ?? {};
    if (from.id && String(from.id) === String(inbox.settings?.pageId ?? e.pageId)) return null;
    const text = v.text ?? v.message ?? (e.field === 'mentions' ? '(mentioned you in a comment)' : '(comment)');
    return {
      channel, externalId: String(v.comment_id ?? v.id), threadKey: `media:${v.media_id ?? v.post_id ?? v.parent_id ?? v.comment_id}`,
      author: from.id ? { kind: channel, value: String(from.id), handle: from.username ?? null, name: from.username ?? from.name } : { kind: channel, value: `unknown:${v.comment_id ?? v.id}`, name: 'Instagram user' },
      subject: `${e.field === 'mentions' ? 'Mention' : 'Comment'} on ${channel}`,
      text, audienceHint: 'public', receivedAt: e.time,
      flags: { commentId: v.comment_id ?? v.id, mediaId: v.media_id ?? null },
    };
  },
};

export function metaHandshake(inbox: { settings: Record<string, any> | null }, q: Record<string, unknown>) {
  if (q['hub.mode'] === 'subscribe' && q['hub.verify_token'] && q['hub.verify_token'] === inbox.settings?.verifyToken) {
    return { status: 200, body: String(q['hub.challenge'] ?? ''), type: 'text/plain' };
  }
  return { status: 403, body: { error: { code: 'forbidden', message: 'hub.verify_token does not match this inbox', details: null } } };
}
