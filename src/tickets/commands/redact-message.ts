import { inboundItemRepository } from '../../db/repositories/inbound-item.repository';
import { messageRepository } from '../../db/repositories/message.repository';
import { redactionRepository } from '../../db/repositories/redaction.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import { ticketEventRepository } from '../../db/repositories/ticket-event.repository';
import { NotFoundError, ValidationError } from '../../errors';
import type { Viewer } from '../../policies/viewer';
import { redactDeep, redactRaw, redactSpans, type Replacement, spanForms } from '../../archive/redaction/redact-content';
import { actorOf, type CommandDeps, loadTicket } from './command-deps';

export interface RedactInput {
  spans: string[];
  reason?: string | null;
}

export interface RedactResult { messageId: number; replaced: number; rawRebuilt: boolean; copies: number }

export const MAX_SPANS = 20;

// Removes parts of a message for good: from its text, quoted history and HTML, from the ticket's
// subject when the message's words are in it (a password typed into a mail's subject line
// becomes the ticket's title and its search entry), from the raw item it arrived as, and from every copy waiting in or sent through the outbox or kept as a
// mail preview. The search index follows the text (its trigger). The TicketEvent says who, when
// and how much, never what; the message's hash chain gets a 'redacted' link, not a gap.
export async function redactMessage(deps: CommandDeps, viewer: Viewer, ticketId: number, messageId: number, input: RedactInput, replace?: Replacement): Promise<RedactResult> {
  const spans = [...new Set(input.spans.map((s) => s.trim()).filter(Boolean))];
  if (!spans.length) throw new ValidationError('Select the text to redact.', { fields: { spans: ['Give at least one piece of text.'] } });
  if (spans.length > MAX_SPANS) throw new ValidationError(`Redact at most ${MAX_SPANS} pieces of text at once.`, { fields: { spans: [`At most ${MAX_SPANS}.`] } });
  const short = spans.find((s) => s.length < 2);
  if (short !== undefined) throw new ValidationError('Each piece to redact needs at least 2 characters (a single letter would redact every word with it).', { fields: { spans: ['At least 2 characters each.'] } });
  return deps.db.transaction(async (tx) => {
    const t = await loadTicket(tx.m, ticketId);
    const msg = await messageRepository.findById(tx.m, messageId);
    if (!msg || msg.ticketId !== t.id) throw new NotFoundError(`Message ${messageId} on ticket #${t.id}`);
    const now = deps.now();
    const text = redactSpans(msg.text, spans, replace);
    const fullText = msg.fullText !== null ? redactSpans(msg.fullText, spans, replace) : null;
    const html = msg.html !== null ? redactSpans(msg.html, spans, replace) : null;
    const item = msg.inboundItemId !== null ? await inboundItemRepository.findById(tx.m, msg.inboundItemId) : null;
    const raw = item ? await redactRaw(item.raw, spans, text.value, replace) : null;
    const subject = redactSpans(t.subject, spans, replace);
    const replaced = text.count + (fullText?.count ?? 0) + (html?.count ?? 0) + subject.count;
    if (!replaced && !raw?.count) throw new ValidationError('That text is not in this message (copy it exactly as shown).', { fields: { spans: ['Not found in the message.'] } });

    await messageRepository.redact(tx.m, msg, { text: text.value, fullText: fullText?.value ?? null, html: html?.value ?? null }, now);
    if (subject.count) await ticketRepository.update(tx.m, t.id, { subject: subject.value });
    await ticketRepository.refreshStats(tx.m, t.id, now);
    if (item && raw && raw.raw !== item.raw) await inboundItemRepository.update(tx.m, item.id, { raw: raw.raw });
    const copies = await redactionRepository.copiesContaining(tx.m, spans.flatMap(spanForms), t.id);
    for (const o of copies.outbox) await redactionRepository.rewriteOutboxPayload(tx.m, o.id, redactDeep(o.payload, spans, replace).value);
    for (const p of copies.previews) await redactionRepository.rewritePreview(tx.m, p.id, { raw: (await redactRaw(p.raw, spans, '', replace)).raw, subject: redactSpans(p.subject, spans, replace).value });

    const reason = input.reason?.trim().slice(0, 200) || null;
    const nCopies = copies.outbox.length + copies.previews.length;
    await ticketEventRepository.record(tx.m, t.id, 'message.redacted', actorOf(viewer, deps.cause), { messageId: msg.id, pieces: spans.length, replaced, rawRebuilt: raw?.rebuilt ?? false, copies: nCopies, reason }, now);
    tx.emit('message.updated', { ticketId: t.id, messageId: msg.id, audience: msg.audience });
    tx.emit('ticket.updated', { ticketId: t.id, changes: subject.count ? ['events', 'subject'] : ['events'] });
    return { messageId: msg.id, replaced, rawRebuilt: raw?.rebuilt ?? false, copies: nCopies };
  });
}
