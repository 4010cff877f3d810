import { safeEqual } from '../../auth/secrets';
import type { SocialPlatform } from './social-types';

// Telegram bot webhook: the secret token header proves the sender; private chats are private,
// groups and supergroups public (threaded by topic or by the message replied to).
export const telegram: SocialPlatform = {
  name: 'telegram',
  channels: ['telegram'],
  rawType: 'telegram.update.v1',
  verify: (inbox, req) => safeEqual(String(req.header('x-telegram-bot-api-secret-token') ?? ''), inbox.secret),
  split: (body) => {
    const msg = body?.message ?? body?.edited_message ?? body?.channel_post;
    if (!msg?.chat || msg.message_id === undefined) return [];
    return [{ key: `tg:${msg.chat.id}:${msg.message_id}${body.edited_message ? ':edit' : ''}`, raw: JSON.stringify(body), rawType: 'telegram.update.v1' }];
  },
  parse: (raw, inbox) => {
    const body = JSON.parse(raw);
    const m = body.message ?? body.edited_message ?? body.channel_post;
    const from = m.from ?? { id: m.chat.id, first_name: m.chat.title };
    if (from.is_bot && String(from.id) === String(inbox.settings?.botId ?? '')) return null;
    const isPrivate = m.chat.type === 'private';
    const text = m.text ?? m.caption ?? (m.photo ? '(photo)' : m.document ? `(file: ${m.document.file_name ?? 'document'})` : m.sticker ? '(sticker)' : '(message)');
    const root = m.message_thread_id ?? m.reply_to_message?.message_id ?? m.message_id;
    return {
      channel: 'telegram',
      externalId: `${m.chat.id}:${m.message_id}`,
      replyToExternalId: m.reply_to_message ? `${m.chat.id}:${m.reply_to_message.message_id}` : null,
      threadKey: isPrivate ? `chat:${m.chat.id}` : `chat:${m.chat.id}:${root}`,
      author: { kind: 'telegram', value: String(from.id), handle: from.username ?? null, displayName: [from.first_name, from.last_name].filter(Boolean).join(' ') || null, name: [from.first_name, from.last_name].filter(Boolean).join(' ') || from.username },
      subject: isPrivate ? null : `${m.chat.title ?? 'Group'}: ${text.slice(0, 80)}`,
      text,
      audienceHint: isPrivate ? 'private' : 'public',
      receivedAt: m.date ? m.date * 1000 : undefined,
      flags: { chatId: m.chat.id, messageId: m.message_id, chatType: m.chat.type },
    };
  },
};
