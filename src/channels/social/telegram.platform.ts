import { safeEqual } from '../../auth/secrets';
import type { Inbox } from '../../db/entities';
import type { InboundAttachment, InboundMessage, ParseResult, RawItem } from '../inbound-message';
import { downloadMedia, tryDownload, type MediaNote } from './media';
import { platformTime } from './platform-time';
import { checked, malformedItem, zodReason } from './social-items';
import type { SocialPlatform } from './social-types';
import { tgMemberUpdate, tgMessage, tgReaction, tgUpdate, type TgMessage } from './telegram.schema';

const RAW = 'telegram.update.v1';
const MESSAGE_KINDS = ['message', 'edited_message', 'channel_post', 'edited_channel_post', 'business_message', 'edited_business_message'];
// Service messages: things that happen in a chat, shown as ticket events and never as posts.
const SERVICE = ['new_chat_members', 'left_chat_member', 'pinned_message', 'new_chat_title', 'new_chat_photo', 'delete_chat_photo', 'group_chat_created', 'supergroup_chat_created', 'migrate_to_chat_id', 'migrate_from_chat_id', 'forum_topic_created', 'forum_topic_closed', 'forum_topic_reopened', 'forum_topic_edited', 'video_chat_started', 'video_chat_ended', 'message_auto_delete_timer_changed', 'boost_added', 'chat_background_set'];

type Person = { id: number | string; is_bot?: boolean; first_name?: string; last_name?: string; username?: string; title?: string };
const nameOf = (u: Person) => [u.first_name, u.last_name].filter(Boolean).join(' ') || u.title || (u.username ? `@${u.username}` : `user ${u.id}`);
const personOf = (u: Person) => ({ kind: 'telegram', value: String(u.id), handle: u.username ?? null, displayName: [u.first_name, u.last_name].filter(Boolean).join(' ') || null, name: nameOf(u) });

// Telegram bot webhook: the secret token header proves the sender; private chats are private,
// groups and supergroups public (threaded by topic or by the message replied to).
export const telegram: SocialPlatform = {
  name: 'telegram',
  channels: ['telegram'],
  rawType: RAW,
  verify: (inbox, req) => safeEqual(String(req.header('x-telegram-bot-api-secret-token') ?? ''), inbox.secret),
  split: (body) => {
    const up = tgUpdate.safeParse(body);
    if (!up.success) return [malformedItem('telegram', zodReason(up.error), body)];
    const b = body as Record<string, unknown>;
    const kind = Object.keys(b).find((k) => k !== 'update_id') ?? 'empty';
    const raw = JSON.stringify(body);
    if (MESSAGE_KINDS.includes(kind)) {
      return checked('telegram', tgMessage, b[kind], (m) => {
        const edit = kind.startsWith('edited_') ? `:edit:${(b[kind] as { edit_date?: number }).edit_date ?? up.data.update_id}` : '';
        return { key: `tg:${m.chat.id}:${m.message_id}${edit}`, raw, rawType: RAW } satisfies RawItem;
      });
    }
    const schema = kind === 'message_reaction' ? tgReaction : kind === 'my_chat_member' || kind === 'chat_member' ? tgMemberUpdate : null;
    if (schema) return checked('telegram', schema as typeof tgReaction, b[kind], () => ({ key: `tg:update:${up.data.update_id}`, raw, rawType: RAW }));
    return [{ key: `tg:update:${up.data.update_id}`, raw, rawType: RAW }];
  },
  parse: (raw, inbox) => parseTelegram(raw, inbox),
};

async function parseTelegram(raw: string, inbox: Inbox): Promise<ParseResult> {
  const body = JSON.parse(raw);
  const kind = Object.keys(body).find((k) => k !== 'update_id') ?? 'empty';
  if (kind === 'message_reaction') return reaction(body.message_reaction);
  if (kind === 'my_chat_member' || kind === 'chat_member') return memberChange(body[kind], kind === 'my_chat_member', inbox);
  if (!MESSAGE_KINDS.includes(kind)) return { ignore: `Telegram ${kind} update: nothing Chorus stores` };

  const m = tgMessage.parse(body[kind]);
  const from: Person = m.from ?? m.sender_chat ?? { id: m.chat.id, title: m.chat.title };
  if (m.from?.is_bot && String(m.from.id) === String(inbox.settings?.botId ?? '')) return { ignore: 'our own message seen again (echo)' };
  const isPrivate = m.chat.type === 'private';
  const root = m.message_thread_id ?? m.reply_to_message?.message_id ?? m.message_id;
  const time = platformTime(m.date);
  const base = {
    channel: 'telegram', author: personOf(from), audienceHint: isPrivate ? ('private' as const) : ('public' as const), receivedAt: time.receivedAt,
    threadKey: isPrivate ? `chat:${m.chat.id}` : `chat:${m.chat.id}:${root}`,
  };
  const flags: Record<string, unknown> = { chatId: m.chat.id, messageId: m.message_id, chatType: m.chat.type, ...(time.timeNote ? { timeNote: time.timeNote } : {}) };

  const service = SERVICE.find((k) => (m as Record<string, unknown>)[k] !== undefined);
  if (service) return serviceEvent(m, service, nameOf(from), base, flags);

  const attachments: InboundAttachment[] = [];
  const notes: MediaNote[] = [];
  const file = m.photo?.at(-1) ?? m.document ?? m.video ?? m.voice ?? m.audio ?? m.animation;
  const type = m.photo ? 'photo' : m.document ? 'document' : m.video ? 'video' : m.voice ? 'voice' : m.audio ? 'audio' : m.animation ? 'animation' : null;
  let text = m.text ?? m.caption ?? '';
  if (file && type) {
    const ok = await tryDownload(notes, attachments, type, null, () => fetchTelegramFile(inbox, file, type));
    if (!ok) text = [text, `(${type}${file.file_name ? ` ${file.file_name}` : ''} could not be fetched)`].filter(Boolean).join('\n');
  }
  if (!text && m.sticker) text = `(sticker${m.sticker.emoji ? ` ${m.sticker.emoji}` : ''})`;
  if (!text) text = type ? `(${type})` : '(message)';
  return {
    ...base,
    externalId: `${m.chat.id}:${m.message_id}`,
    replyToExternalId: m.reply_to_message ? `${m.chat.id}:${m.reply_to_message.message_id}` : null,
    subject: isPrivate ? null : `${m.chat.title ?? 'Group'}: ${text.slice(0, 80)}`,
    text, attachments, flags: { ...flags, ...(notes.length ? { media: notes } : {}) },
  };
}

function serviceEvent(m: TgMessage, service: string, who: string, base: Omit<InboundMessage, 'text'>, flags: Record<string, unknown>): InboundMessage {
  const detail =
    service === 'new_chat_members' ? `${m.new_chat_members!.map(nameOf).join(', ')} joined ${m.chat.title ?? 'the chat'}`
    : service === 'left_chat_member' ? `${nameOf(m.left_chat_member!)} left ${m.chat.title ?? 'the chat'}`
    : service === 'pinned_message' ? `${who} pinned a message`
    : service === 'new_chat_title' ? `${who} renamed the chat to “${m.new_chat_title}”`
    : `${who}: ${service.replace(/_/g, ' ')}`;
  const target = service === 'pinned_message' ? `${m.chat.id}:${m.pinned_message!.message_id}` : m.reply_to_message ? `${m.chat.id}:${m.reply_to_message.message_id}` : null;
  return {
    ...base, externalId: `${m.chat.id}:${m.message_id}`, text: '', flags,
    action: { kind: 'event', event: service, detail, targetExternalId: target, threadKeyPrefix: m.chat.type === 'private' ? null : `chat:${m.chat.id}:` },
  };
}

function reaction(r: { chat: { id: number | string; type: string; title?: string }; message_id: number; user?: Person; actor_chat?: Person; date?: unknown; new_reaction: { type: string; emoji?: string }[] }): ParseResult {
  const by = r.user ?? r.actor_chat;
  if (!by) return { ignore: 'Telegram reaction without a user or chat: nothing to store' };
  const time = platformTime(r.date);
  const emoji = r.new_reaction.map((x) => (x.type === 'emoji' ? x.emoji : x.type === 'paid' ? '⭐' : '(custom emoji)')).join('') || null;
  const isPrivate = r.chat.type === 'private';
  return {
    channel: 'telegram', author: personOf(by), audienceHint: isPrivate ? 'private' : 'public', receivedAt: time.receivedAt, text: '',
    threadKey: isPrivate ? `chat:${r.chat.id}` : null, flags: time.timeNote ? { timeNote: time.timeNote } : undefined,
    action: { kind: 'reaction', targetExternalId: `${r.chat.id}:${r.message_id}`, emoji },
  };
}

const STATUS: Record<string, string> = { creator: 'owner', administrator: 'admin', member: 'member', restricted: 'restricted member', left: 'gone', kicked: 'banned' };

function memberChange(u: { chat: { id: number | string; type: string; title?: string }; from: Person; date?: unknown; old_chat_member: { status: string; user: Person }; new_chat_member: { status: string; user: Person } }, mine: boolean, inbox: Inbox): ParseResult {
  const isPrivate = u.chat.type === 'private';
  const to = u.new_chat_member.status;
  const subject = mine ? 'the bot' : nameOf(u.new_chat_member.user);
  const detail = mine && isPrivate
    ? to === 'kicked' ? `${nameOf(u.from)} blocked the bot` : `${nameOf(u.from)} ${to === 'member' ? 'unblocked' : 'changed'} the bot`
    : `${nameOf(u.from)} changed ${subject} in ${u.chat.title ?? 'the chat'} from ${STATUS[u.old_chat_member.status] ?? u.old_chat_member.status} to ${STATUS[to] ?? to}`;
  if (mine && u.from.is_bot && String(u.from.id) === String(inbox.settings?.botId ?? '')) return { ignore: `our own change seen again: ${detail}` };
  const time = platformTime(u.date);
  return {
    channel: 'telegram', author: personOf(u.from), audienceHint: isPrivate ? 'private' : 'public', receivedAt: time.receivedAt, text: '',
    threadKey: isPrivate ? `chat:${u.chat.id}` : null, flags: time.timeNote ? { timeNote: time.timeNote } : undefined,
    action: { kind: 'event', event: mine ? 'bot-membership' : 'membership', detail, threadKeyPrefix: isPrivate ? null : `chat:${u.chat.id}:` },
  };
}

// Bot API files: getFile names the path, /file/bot<token>/<path> serves the bytes (up to 20 MB).
async function fetchTelegramFile(inbox: Inbox, file: { file_id: string; file_name?: string; mime_type?: string }, type: string): Promise<InboundAttachment> {
  const cfg = (inbox.settings ?? {}) as { apiBaseUrl?: string; botToken?: string };
  const res = await fetch(`${cfg.apiBaseUrl}/bot${cfg.botToken}/getFile?file_id=${encodeURIComponent(file.file_id)}`, { signal: AbortSignal.timeout(15_000) });
  const body = (await res.json().catch(() => ({}))) as { ok?: boolean; result?: { file_path?: string }; description?: string };
  if (!res.ok || !body.ok || !body.result?.file_path) throw new Error(`getFile failed: ${body.description ?? `HTTP ${res.status}`}`);
  const name = file.file_name ?? body.result.file_path.split('/').pop() ?? null;
  return downloadMedia(`${cfg.apiBaseUrl}/file/bot${cfg.botToken}/${body.result.file_path}`, { filename: name, contentType: file.mime_type, stem: `${type}-${file.file_id.slice(0, 12)}` });
}
