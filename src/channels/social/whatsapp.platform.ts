import type { Inbox } from '../../db/entities';
import { messageRepository } from '../../db/repositories/message.repository';
import type { InboundAttachment, InboundMessage, ParseResult, RawItem } from '../inbound-message';
import { verifyHmacHex } from '../signature';
import { downloadMedia, tryDownload, type MediaNote } from './media';
import { metaHandshake } from './meta.platform';
import { platformTime } from './platform-time';
import { checked, hashOf, malformedItem, zodReason } from './social-items';
import type { SocialPlatform } from './social-types';
import { waEnvelope, waMessage, type WaMessage } from './whatsapp.schema';

const ORDER = ['queued', 'sent', 'delivered', 'read'];
const RAW = 'whatsapp.message.v1';
const MEDIA = ['image', 'video', 'audio', 'document', 'sticker'] as const;

// WhatsApp Cloud API: every conversation is private; statuses[] move our messages forward only.
export const whatsapp: SocialPlatform = {
  name: 'whatsapp',
  channels: ['whatsapp'],
  rawType: RAW,
  verify: (inbox, req, raw) => verifyHmacHex(inbox.secret, raw, req.header('x-hub-signature-256')),
  handshake: (inbox, q) => metaHandshake(inbox, q),
  split: (body) => {
    const env = waEnvelope.safeParse(body);
    if (!env.success) return [malformedItem('whatsapp', zodReason(env.error), body)];
    const items: RawItem[] = [];
    for (const entry of env.data.entry) {
      for (const ch of entry.changes) {
        const v = ch.value;
        if (ch.field && ch.field !== 'messages') {
          items.push({ key: `wa:field:${ch.field}:${hashOf(v)}`, raw: JSON.stringify({ field: ch.field }), rawType: RAW });
          continue;
        }
        for (const raw of v.messages ?? []) {
          items.push(...checked('whatsapp', waMessage, raw, (msg) => {
            const contact = (v.contacts ?? []).find((c) => c.wa_id === msg.from) ?? v.contacts?.[0] ?? null;
            return { key: `wa:${msg.id}`, raw: JSON.stringify({ metadata: v.metadata, contact, msg }), rawType: RAW };
          }));
        }
      }
    }
    return items;
  },
  parse: (raw, inbox) => parseWhatsApp(raw, inbox),
  receipts: async (body, s, inbox) => {
    const env = waEnvelope.safeParse(body);
    if (!env.success) return;
    for (const entry of env.data.entry) {
      for (const ch of entry.changes) {
        for (const st of (ch.value.statuses ?? []) as { id?: unknown; status?: string; errors?: { title?: string }[] }[]) {
          if (!st || typeof st.id !== 'string' || typeof st.status !== 'string') continue;
          const msg = await messageRepository.findByExternalId(s.db.m, 'whatsapp', st.id, inbox.id);
          if (!msg) continue;
          const next = st.status === 'failed' ? 'failed' : st.status;
          if (next !== 'failed' && !ORDER.includes(next)) continue;
          const forward = next === 'failed' || ORDER.indexOf(next) > ORDER.indexOf(msg.deliveryState ?? 'queued');
          if (!forward || (msg.deliveryState === 'read' && next !== 'read')) continue;
          await s.db.transaction(async (tx) => {
            await messageRepository.update(tx.m, msg.id, { deliveryState: next as 'failed', deliveryError: next === 'failed' ? (st.errors?.[0]?.title ?? 'WhatsApp could not deliver the message.') : null });
            tx.emit('message.updated', { ticketId: msg.ticketId, messageId: msg.id, audience: msg.audience });
          });
        }
      }
    }
  },
};

async function parseWhatsApp(raw: string, inbox: Inbox): Promise<ParseResult> {
  const parsed = JSON.parse(raw);
  if (parsed.field) return { ignore: `WhatsApp ${parsed.field} notification: nothing to store` };
  const { contact, msg } = parsed as { contact: { profile?: { name?: string } } | null; msg: WaMessage };
  const time = platformTime(msg.timestamp);
  const base = {
    channel: 'whatsapp', externalId: msg.id, threadKey: `wa:${msg.from}`, replyToExternalId: msg.context?.id ?? null,
    author: { kind: 'whatsapp', value: msg.from, name: contact?.profile?.name ?? `+${msg.from}`, displayName: contact?.profile?.name ?? null, handle: `+${msg.from}` },
    audienceHint: 'private' as const, receivedAt: time.receivedAt,
  };
  const media = MEDIA.includes(msg.type as (typeof MEDIA)[number]) ? msg[msg.type as (typeof MEDIA)[number]] : undefined;
  const flags: Record<string, unknown> = { type: msg.type, mediaId: media?.id ?? null, forwarded: !!msg.context?.forwarded, ...(time.timeNote ? { timeNote: time.timeNote } : {}) };

  if (msg.type === 'reaction' && msg.reaction) {
    // WhatsApp removes a reaction by sending the reaction again without its emoji.
    return { ...base, externalId: null, text: '', flags, action: { kind: 'reaction', targetExternalId: msg.reaction.message_id, emoji: msg.reaction.emoji || null } };
  }
  if (msg.type === 'system') {
    return { ...base, externalId: null, text: '', flags, action: { kind: 'event', event: 'system', detail: msg.system?.body ?? `WhatsApp system notice (${msg.system?.type ?? 'unknown'})` } };
  }
  if (msg.type === 'request_welcome') return { ignore: 'WhatsApp welcome request (the person opened the chat): nothing to store' };

  const attachments: InboundAttachment[] = [];
  const notes: MediaNote[] = [];
  let text = describe(msg);
  if (media) {
    const ok = await tryDownload(notes, attachments, msg.type, null, () => fetchWhatsAppMedia(inbox, msg.type, media));
    if (!ok) text = [text, `(${msg.type}${media.filename ? ` ${media.filename}` : ''} could not be fetched)`].filter(Boolean).join('\n');
  }
  if (msg.referral) text = [text, adReferral(msg.referral)].filter(Boolean).join('\n\n');
  const result: InboundMessage = { ...base, text: text || `(${msg.type})`, attachments, flags: { ...flags, ...(notes.length ? { media: notes } : {}), ...(msg.referral ? { referral: msg.referral } : {}) } };
  return result;
}

// The readable text of each message type; media get their caption (the file is fetched apart).
function describe(msg: WaMessage): string {
  switch (msg.type) {
    case 'text': return msg.text?.body ?? '';
    case 'image': case 'video': case 'audio': case 'sticker': return msg[msg.type]?.caption ?? '';
    case 'document': return msg.document?.caption ?? '';
    case 'location': {
      const l = msg.location ?? {};
      const place = [l.name, l.address].filter(Boolean).join(', ');
      return `Location: ${place ? `${place} ` : ''}(${l.latitude}, ${l.longitude})${l.url ? `\n${l.url}` : ''}`;
    }
    case 'contacts':
      return (msg.contacts ?? []).map((c) => {
        const name = c.name?.formatted_name || [c.name?.first_name, c.name?.last_name].filter(Boolean).join(' ') || 'someone';
        const bits = [...(c.phones ?? []).map((p) => `${p.phone}${p.type ? ` (${p.type})` : ''}`), ...(c.emails ?? []).map((e) => e.email), c.org?.company].filter(Boolean);
        return `Shared a contact: ${name}${bits.length ? ` · ${bits.join(' · ')}` : ''}`;
      }).join('\n');
    case 'order': {
      const o = msg.order ?? {};
      const items = (o.product_items ?? []).map((p) => `- ${p.quantity ?? 1} × ${p.product_retailer_id ?? 'item'}${p.item_price !== undefined ? ` at ${p.item_price} ${p.currency ?? ''}`.trimEnd() : ''}`);
      return [`Placed an order${o.catalog_id ? ` (catalog ${o.catalog_id})` : ''}:`, ...items, o.text ?? ''].filter(Boolean).join('\n');
    }
    case 'interactive': return msg.interactive?.button_reply?.title ?? msg.interactive?.list_reply?.title ?? '(answered an interactive message)';
    case 'button': return msg.button?.text ?? msg.button?.payload ?? '(tapped a button)';
    case 'unsupported': case 'unknown':
      return `(WhatsApp could not pass this message on${msg.errors?.[0]?.title ? `: ${msg.errors[0].title}` : ''})`;
    default: return '';
  }
}

function adReferral(r: NonNullable<WaMessage['referral']>): string {
  const what = r.source_type === 'post' ? 'a post' : 'an ad';
  return [`Came from ${what}${r.headline ? `: ${r.headline}` : ''}`, r.body, r.source_url].filter(Boolean).join('\n');
}

// Cloud API media: the media id gives a short-lived URL, both fetched with the inbox's token.
async function fetchWhatsAppMedia(inbox: Inbox, type: string, media: { id?: string; mime_type?: string; filename?: string }): Promise<InboundAttachment> {
  const cfg = (inbox.settings ?? {}) as { apiBaseUrl?: string; accessToken?: string };
  if (!media.id) throw new Error('the message names no media id');
  const auth = { authorization: `Bearer ${cfg.accessToken}` };
  const res = await fetch(`${cfg.apiBaseUrl}/${encodeURIComponent(media.id)}`, { headers: auth, signal: AbortSignal.timeout(15_000) });
  if (!res.ok) throw new Error(`the media lookup answered HTTP ${res.status}`);
  const info = (await res.json()) as { url?: string; mime_type?: string };
  if (!info.url) throw new Error('the media lookup gave no URL');
  return downloadMedia(info.url, { headers: auth, filename: media.filename, contentType: info.mime_type ?? media.mime_type, stem: `${type}-${media.id}` });
}
