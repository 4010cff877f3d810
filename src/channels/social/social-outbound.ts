import type { EntityManager } from 'typeorm';
import type { Message, OutboxItem, Ticket } from '../../db/entities';
import { contactRepository } from '../../db/repositories/contact.repository';
import { inboxRepository } from '../../db/repositories/inbox.repository';
import { messageRepository } from '../../db/repositories/message.repository';
import type { OutboxPlan } from '../../outbox/outbound-router';
import { PermanentDeliveryError, RetryLaterError } from '../../outbox/retry-policy';
import { retryAfterMs } from '../../outbox/retry-after';
import type { Services } from '../../services';

export const SOCIAL_CHANNELS = ['telegram', 'messenger', 'instagram', 'whatsapp', 'x', 'mastodon', 'bluesky'];

// An agent's reply on a social ticket: `public` answers the public post in public; `participants`
// goes to the person privately (on a public thread that is "take it private": same ticket).
export async function planSocialReply(m: EntityManager, ticket: Ticket, message: Message): Promise<OutboxPlan[]> {
  if (!SOCIAL_CHANNELS.includes(ticket.channel)) return [];
  const inbound = (await messageRepository.listByTicket(m, ticket.id)).filter((x) => x.direction === 'inbound' && x.authorContactId === ticket.requesterId);
  const last = inbound.at(-1);
  const firstPublic = inbound.find((x) => x.audience === 'public');
  const identity = (await contactRepository.identitiesOf(m, [ticket.requesterId])).find((i) => i.kind === ticket.channel);
  if (!identity) return [];
  const mode = message.audience === 'public' && ticket.visibility === 'public' ? 'public' : 'private';
  const target = mode === 'public' ? last ?? firstPublic : last;
  return [{
    kind: `social.${ticket.channel}`,
    payload: {
      mode, userId: identity.value, handle: identity.handle, replyToExternalId: target?.externalId ?? null, flags: target?.flags ?? null,
      fromPublicPost: ticket.visibility === 'public' && mode === 'private' ? firstPublic?.flags ?? null : null,
    },
  }];
}

async function call(url: string, init: RequestInit): Promise<any> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
  const body: any = await res.json().catch(() => ({}));
  if (res.status === 429) throw new RetryLaterError('The platform is rate-limiting us; the reply will go out automatically.', retryAfterMs(res.headers.get('retry-after'), Date.now(), 60_000));
  if (res.status >= 500) throw new Error(`The platform failed (HTTP ${res.status}); retrying.`);
  const err = body?.error;
  if (err?.code === 10 && err?.error_subcode === 2018278) throw new PermanentDeliveryError("The customer's 24-hour messaging window has closed: Meta only lets us answer within 24 hours of their last message. Ask them to write again, or answer on another channel.");
  if (res.status >= 400 || body?.ok === false) throw new PermanentDeliveryError(`The platform refused the reply (HTTP ${res.status}): ${err?.message ?? body?.description ?? body?.detail ?? body?.title ?? 'no reason given'}`);
  return body;
}

const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

// What an outbox item says: its message, or for a note Chorus writes itself with no message on
// the thread (a satisfaction survey) the text in its payload, always private to the person.
export async function outboundText(s: Services, item: OutboxItem): Promise<{ text: string; audience: Message['audience'] } | null> {
  if (item.messageId === null && typeof item.payload?.text === 'string') return { text: item.payload.text, audience: 'participants' };
  return item.messageId === null ? null : messageRepository.findById(s.db.m, item.messageId);
}

export function socialSenders(s: Services): Record<string, (item: OutboxItem) => Promise<{ externalId: string | null }>> {
  const load = async (item: OutboxItem) => {
    const msg = await outboundText(s, item);
    const inbox = await inboxRepository.findById(s.db.m, item.inboxId!);
    if (!msg || !inbox) throw new PermanentDeliveryError('The message or its inbox no longer exists.');
    if (msg.audience === 'staff') throw new PermanentDeliveryError('Staff notes are never sent.');
    const p = item.payload as { mode: 'public' | 'private'; userId: string; handle: string | null; replyToExternalId: string | null; flags: Record<string, any> | null; fromPublicPost: Record<string, any> | null };
    return { msg, inbox, p, cfg: (inbox.settings ?? {}) as Record<string, string> };
  };
  return {
    'social.telegram': async (item) => {
      const { msg, p, cfg } = await load(item);
      const chatId = p.mode === 'public' ? p.flags?.chatId : p.flags?.chatType === 'private' ? p.flags.chatId : p.userId;
      const body: Record<string, unknown> = { chat_id: chatId, text: msg.text };
      if (p.mode === 'public' && p.flags?.messageId) body.reply_parameters = { message_id: p.flags.messageId, allow_sending_without_reply: true };
      const r = await call(`${cfg.apiBaseUrl}/bot${cfg.botToken}/sendMessage`, json(body));
      return { externalId: r?.result ? `${r.result.chat?.id ?? chatId}:${r.result.message_id}` : null };
    },
    'social.whatsapp': async (item) => {
      const { msg, p, cfg } = await load(item);
      const r = await call(`${cfg.apiBaseUrl}/${cfg.phoneNumberId}/messages`, json({ messaging_product: 'whatsapp', recipient_type: 'individual', to: p.userId, type: 'text', text: { body: msg.text } }, { authorization: `Bearer ${cfg.accessToken}` }));
      return { externalId: r?.messages?.[0]?.id ?? null };
    },
    'social.messenger': (item) => metaSend(item, 'comments'),
    'social.instagram': (item) => metaSend(item, 'replies'),
    'social.x': async (item) => {
      const { msg, p, cfg } = await load(item);
      const auth = { authorization: `Bearer ${cfg.bearerToken}` };
      if (p.mode === 'public') {
        const text = p.handle && !msg.text.startsWith(`@${p.handle}`) ? `@${p.handle} ${msg.text}` : msg.text;
        const r = await call(`${cfg.apiBaseUrl}/2/tweets`, json({ text, reply: { in_reply_to_tweet_id: p.replyToExternalId } }, auth));
        return { externalId: r?.data?.id ?? null };
      }
      const r = await call(`${cfg.apiBaseUrl}/2/dm_conversations/with/${p.userId}/messages`, json({ text: msg.text }, auth));
      return { externalId: r?.data?.dm_event_id ?? null };
    },
  };

  async function metaSend(item: OutboxItem, commentEdge: 'comments' | 'replies') {
    const { msg, p, cfg } = await load(item);
    const token = encodeURIComponent(cfg.accessToken);
    if (p.mode === 'public' && p.flags?.commentId) {
      const r = await call(`${cfg.apiBaseUrl}/${p.flags.commentId}/${commentEdge}?access_token=${token}`, json({ message: msg.text }));
      return { externalId: r?.id ?? null };
    }
    // A mention in a post's caption is answered with a comment on that post (Instagram's mentions edge).
    if (p.mode === 'public' && p.flags?.captionMention && p.flags.mediaId) {
      const r = await call(`${cfg.apiBaseUrl}/${cfg.pageId}/mentions?access_token=${token}`, json({ media_id: p.flags.mediaId, message: msg.text }));
      return { externalId: r?.id ?? null };
    }
    // A private reply to a public comment names the comment; later ones the person.
    const recipient = p.fromPublicPost?.commentId && !p.flags?.recipientId ? { comment_id: p.fromPublicPost.commentId } : { id: p.userId };
    const r = await call(`${cfg.apiBaseUrl}/me/messages?access_token=${token}`, json({ recipient, messaging_type: 'RESPONSE', message: { text: msg.text } }));
    return { externalId: r?.message_id ?? null };
  }
}
