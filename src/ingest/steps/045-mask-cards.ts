import type { EntityManager } from 'typeorm';
import { inboundItemRepository } from '../../db/repositories/inbound-item.repository';
import { ticketEventRepository } from '../../db/repositories/ticket-event.repository';
import { findCardNumbers, maskCard, redactRaw, redactSpans } from '../../archive/redaction/redact-content';
import type { IngestContext, Step } from '../context';

// Where the inbox asks for it (settings.maskCardNumbers), payment card numbers that pass the
// Luhn check are masked to their last four digits before anything is stored from the message:
// its text, HTML, subject, and (stored by persist) the raw item itself. Runs before the item's
// transaction: checking the masked raw mail re-parses it, which takes turns of the event loop,
// and a write transaction must never stay open across one (sqlite-group-commit.ts).
export const maskCards: Step = async (ctx) => {
  const msg = ctx.msg;
  if (!msg || (ctx.inbox.settings as { maskCardNumbers?: boolean } | null)?.maskCardNumbers !== true) return;
  const cards = [...new Set([msg.text, msg.fullText, msg.html, msg.subject].flatMap((v) => (v ? findCardNumbers(v) : [])))];
  if (!cards.length) return;
  const mask = (v: string) => redactSpans(v, cards, maskCard).value;
  msg.text = mask(msg.text);
  if (msg.fullText) msg.fullText = mask(msg.fullText);
  if (msg.html) msg.html = mask(msg.html);
  if (msg.subject) msg.subject = mask(msg.subject);
  const r = await redactRaw(ctx.item.raw, cards, msg.text, maskCard);
  ctx.masked = { cards, raw: r.raw, rebuilt: r.rebuilt };
};

// Inside persist's transaction: the ledger row loses the numbers too, and the ticket says why.
export async function recordMasking(m: EntityManager, ctx: IngestContext, ticketId: number, messageId: number, now: number): Promise<void> {
  const masked = ctx.masked;
  if (!masked) return;
  await inboundItemRepository.update(m, ctx.item.id, { raw: masked.raw });
  await ticketEventRepository.record(m, ticketId, 'message.masked', { type: 'system' }, { messageId, masked: masked.cards.length, rawRebuilt: masked.rebuilt }, now);
}
