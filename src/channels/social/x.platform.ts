import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SocialPlatform } from './social-types';

const b64hmac = (secret: string, data: Buffer | string) => createHmac('sha256', secret).update(data).digest('base64');

// X (Account Activity API): mentions are public and threaded by reply chain, DMs private; events
// from our own account are echoes. The consumer secret (the inbox secret) signs everything.
export const x: SocialPlatform = {
  name: 'x',
  channels: ['x'],
  rawType: 'x.event.v1',
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
    const items = [];
    const own = String(body?.for_user_id ?? '');
    for (const t of body?.tweet_create_events ?? []) items.push({ key: `x:tweet:${t.id_str ?? t.id}`, raw: JSON.stringify({ own, kind: 'tweet', t }), rawType: 'x.event.v1' });
    for (const d of body?.direct_message_events ?? []) {
      if (d.type !== 'message_create') continue;
      items.push({ key: `x:dm:${d.id}`, raw: JSON.stringify({ own, kind: 'dm', d, users: body.users ?? {} }), rawType: 'x.event.v1' });
    }
    return items;
  },
  parse: (raw, inbox) => {
    const e = JSON.parse(raw);
    const own = String(inbox.settings?.accountId ?? e.own);
    if (e.kind === 'tweet') {
      const t = e.t;
      if (String(t.user?.id_str ?? t.user?.id) === own) return null;
      const id = String(t.id_str ?? t.id);
      const parent = t.in_reply_to_status_id_str ?? (t.in_reply_to_status_id != null ? String(t.in_reply_to_status_id) : null);
      return {
        channel: 'x', externalId: id, replyToExternalId: parent, threadKey: `tweet:${parent ?? id}`,
        author: { kind: 'x', value: String(t.user.id_str ?? t.user.id), handle: t.user.screen_name, displayName: t.user.name, name: t.user.name, followers: t.user.followers_count ?? null },
        subject: `Mention by @${t.user.screen_name}`, text: t.extended_tweet?.full_text ?? t.full_text ?? t.text ?? '',
        audienceHint: 'public', receivedAt: t.created_at ? Date.parse(t.created_at) : undefined, flags: { tweetId: id, screenName: t.user.screen_name },
      };
    }
    const d = e.d;
    const sender = String(d.message_create.sender_id);
    if (sender === own) return null;
    const u = e.users?.[sender] ?? {};
    return {
      channel: 'x', externalId: String(d.id), threadKey: `dm:${sender}`,
      author: { kind: 'x', value: sender, handle: u.screen_name ?? null, displayName: u.name ?? null, name: u.name ?? `X user ${sender}`, followers: u.followers_count ?? null },
      text: d.message_create.message_data?.text ?? '', audienceHint: 'private',
      receivedAt: d.created_timestamp ? Number(d.created_timestamp) : undefined, flags: { senderId: sender },
    };
  },
};
