import { messageRepository } from '../../db/repositories/message.repository';
import { verifyHmacHex } from '../signature';
import { metaHandshake } from './meta.platform';
import type { SocialPlatform } from './social-types';

const ORDER = ['queued', 'sent', 'delivered', 'read'];

// WhatsApp Cloud API: every conversation is private; statuses[] move our messages forward only.
export const whatsapp: SocialPlatform = {
  name: 'whatsapp',
  channels: ['whatsapp'],
  rawType: 'whatsapp.message.v1',
  verify: (inbox, req, raw) => verifyHmacHex(inbox.secret, raw, req.header('x-hub-signature-256')),
  handshake: (inbox, q) => metaHandshake(inbox, q),
  split: (body) => {
    const items = [];
    for (const entry of body?.entry ?? []) {
      for (const ch of entry.changes ?? []) {
        const v = ch.value ?? {};
        for (const msg of v.messages ?? []) {
          const contact = (v.contacts ?? []).find((c: any) => c.wa_id === msg.from) ?? v.contacts?.[0] ?? null;
          items.push({ key: `wa:${msg.id}`, raw: JSON.stringify({ metadata: v.metadata, contact, msg }), rawType: 'whatsapp.message.v1' });
        }
      }
    }
    return items;
  },
  parse: (raw) => {
    const { contact, msg } = JSON.parse(raw);
    const media = msg[msg.type] ?? {};
    const text = msg.text?.body ?? media.caption ?? (msg.type === 'reaction' ? `(reacted ${msg.reaction?.emoji ?? ''})`.trim() : msg.type === 'location' ? `(location ${msg.location?.latitude}, ${msg.location?.longitude})` : `(${msg.type ?? 'message'})`);
    return {
      channel: 'whatsapp', externalId: msg.id, threadKey: `wa:${msg.from}`,
      replyToExternalId: msg.context?.id ?? null,
      author: { kind: 'whatsapp', value: String(msg.from), name: contact?.profile?.name ?? `+${msg.from}`, displayName: contact?.profile?.name ?? null, handle: `+${msg.from}` },
      text, audienceHint: 'private', receivedAt: msg.timestamp ? Number(msg.timestamp) * 1000 : undefined,
      flags: { type: msg.type, mediaId: media.id ?? null, forwarded: !!msg.context?.forwarded },
    };
  },
  receipts: async (body, s) => {
    for (const entry of body?.entry ?? []) {
      for (const ch of entry.changes ?? []) {
        for (const st of ch.value?.statuses ?? []) {
          const msg = await messageRepository.findByExternalId(s.db.m, 'whatsapp', String(st.id));
          if (!msg) continue;
          const next = st.status === 'failed' ? 'failed' : st.status;
          const forward = next === 'failed' || ORDER.indexOf(next) > ORDER.indexOf(msg.deliveryState ?? 'queued');
          if (!forward || (msg.deliveryState === 'read' && next !== 'read')) continue;
          await s.db.transaction(async (tx) => {
            await messageRepository.update(tx.m, msg.id, { deliveryState: next, deliveryError: next === 'failed' ? (st.errors?.[0]?.title ?? 'WhatsApp could not deliver the message.') : null });
            tx.emit('message.updated', { ticketId: msg.ticketId, messageId: msg.id, audience: msg.audience });
          });
        }
      }
    }
  },
};
