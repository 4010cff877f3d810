import type { ErasureMode, Message } from '../../db/entities';
import { contactRepository } from '../../db/repositories/contact.repository';
import { erasureRepository } from '../../db/repositories/erasure.repository';
import { messageRepository } from '../../db/repositories/message.repository';
import { redactionRepository } from '../../db/repositories/redaction.repository';
import { ticketEventRepository } from '../../db/repositories/ticket-event.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import { retentionRepository } from '../../db/repositories/retention.repository';
import { ForbiddenError, NotFoundError } from '../../errors';
import type { Viewer } from '../../policies/viewer';
import { redactDeep, redactRaw, redactSpans, spanForms } from '../../archive/redaction/redact-content';
import { actorOf, type CommandDeps } from '../../tickets/commands/command-deps';
import { holdsBlocking } from '../../archive/erasure/erasure-holds';

export const ERASED = '[erased]';
export const erasedName = (id: number) => `Erased contact #${id}`;
export interface EraseInput { mode: ErasureMode; reason?: string | null }
export interface EraseResult { requestId: number; state: 'done' | 'refused'; refusal: string | null; counts: Record<string, number> }

// Forgets a person. Mode delete first deletes the tickets they asked, whole. Their own messages lose their words, attachments and raw bytes; every
// other message, subject, event and stored copy on their tickets loses their name, addresses
// and handles; the contact keeps only its number (tickets, reports and the hash chain point at
// it, and count it without knowing who it was). Refused, and recorded as refused, while a legal
// hold covers the contact, one of their tickets or its inbox. `viewer` null: the operator at the
// command line (the system acts).
export async function eraseContact(deps: CommandDeps, viewer: Viewer | null, contactId: number, input: EraseInput): Promise<EraseResult> {
  if (viewer && (viewer.kind !== 'agent' || viewer.role !== 'admin')) throw new ForbiddenError('Only an admin can erase a contact.');
  return deps.db.transaction(async (tx) => {
    const m = tx.m;
    const now = deps.now();
    const contact = await contactRepository.findById(m, contactId);
    if (!contact || contact.mergedIntoId !== null) throw new NotFoundError(`Contact ${contactId}`);
    const reason = input.reason?.trim().slice(0, 500) || null;
    let ticketIds = await erasureRepository.ticketIdsOf(m, contactId);
    let tickets = await erasureRepository.ticketsByIds(m, ticketIds);
    const refusal = await holdsBlocking(m, { contactIds: [contactId], ticketIds, inboxIds: [...new Set(tickets.map((t) => t.inboxId))] });
    const base = { contactId, mode: input.mode, reason, requestedBy: viewer?.kind === 'agent' ? viewer.agentId : null, createdAt: now };
    if (refusal) {
      const requestId = await erasureRepository.record(m, { ...base, state: 'refused', refusal, counts: null });
      return { requestId, state: 'refused' as const, refusal, counts: {} };
    }
    const requestId = await erasureRepository.record(m, { ...base, state: 'done', refusal: null, counts: null });
    const cause = { kind: 'erasure' as const, id: requestId, name: `Erasure request #${requestId}` };

    // Mode delete: the tickets they asked go whole (their chains with them; the report facts,
    // which hold no text, keep the counts). Tickets they only took part in are redacted below.
    let deletedTickets = 0;
    if (input.mode === 'delete') {
      const asked = tickets.filter((t) => t.requesterId === contactId).map((t) => t.id);
      for (const id of asked) await retentionRepository.purgeTicket(m, id);
      deletedTickets = asked.length;
      ticketIds = ticketIds.filter((id) => !asked.includes(id));
      tickets = tickets.filter((t) => !asked.includes(t.id));
    }
    const identities = await erasureRepository.identitiesOf(m, contactId);
    const messages = await erasureRepository.messagesOfTickets(m, ticketIds);
    const own = messages.filter((x) => x.authorContactId === contactId);
    // What names the person: their name, addresses, handles, display names, and the names
    // their messages arrived with. Short values (under 3 characters) would take every word
    // that holds them, so they are left.
    // A contact erased before keeps only its placeholder name: nothing of it to look for.
    const ownName = contact.name === erasedName(contactId) ? null : contact.name;
    const values = [...new Set([ownName, contact.displayName, contact.avatarUrl, ...identities.flatMap((i) => [i.value, i.handle, i.displayName]), ...own.map((x) => x.authorName)]
      .filter((v): v is string => typeof v === 'string' && v.trim().length >= 3).map((v) => v.trim()))];
    // "Carla wrote:" names her too: each part of her names of 4 letters or more.
    const nameParts = [ownName, contact.displayName, ...identities.map((i) => i.displayName), ...own.map((x) => x.authorName)]
      .flatMap((n) => (n ?? '').split(/[\s,.]+/)).filter((w) => w.length >= 4 && !w.includes('@'));
    values.push(...new Set(nameParts.filter((w) => !values.includes(w))));
    // Their words where others quoted them (a reply's quoted history, a forward): every line
    // and sentence of their own messages long enough not to be a common phrase.
    const quoted = [...new Set(own.flatMap((x) => [x.text, x.fullText ?? ''].join('\n').split(/\r?\n|(?<=[.!?])\s+/)).map((l) => l.replace(/^[\s>]+/, '').trim()).filter((l) => l.length >= 12))];
    const spans = [...values, ...quoted];
    const scrub = (v: string) => redactSpans(v, spans, () => ERASED);
    const counts: Record<string, number> = { deletedTickets, tickets: ticketIds.length, ownMessages: own.length, otherMessages: 0, events: 0, rawItems: 0, copies: 0, attachments: 0 };

    counts.attachments = await erasureRepository.deleteAttachmentsOf(m, own.map((x) => x.id));
    for (const msg of messages) {
      if (msg.authorContactId === contactId) {
        await messageRepository.redact(m, msg, { text: ERASED, fullText: null, html: null, authorName: null }, now);
        continue;
      }
      const patch = scrubbedMessage(msg, scrub);
      if (patch) {
        await messageRepository.redact(m, msg, patch, now);
        counts.otherMessages++;
      }
    }
    const ownItems = new Set(own.map((x) => x.inboundItemId).filter((x) => x !== null));
    for (const item of await erasureRepository.inboundItemsFor(m, ticketIds, identities.map((i) => i.value).filter((v) => v.length >= 3))) {
      const raw = ownItems.has(item.id) ? JSON.stringify({ erased: true, request: requestId }) : (await redactRaw(item.raw, spans, ERASED, () => ERASED)).raw;
      if (raw !== item.raw) {
        await erasureRepository.rewriteInboundRaw(m, item.id, raw);
        // A message's digest covers its raw item: one whose own words stayed is sealed anew.
        for (const msg of messages.filter((x) => x.inboundItemId === item.id && x.authorContactId !== contactId)) await messageRepository.resealed(m, msg, now);
        counts.rawItems++;
      }
    }
    for (const e of await erasureRepository.eventsOfTickets(m, ticketIds)) {
      const clean = redactDeep(e.data, spans, () => ERASED);
      if (clean.count) {
        await ticketEventRepository.redact(m, e, clean.value, now);
        counts.events++;
      }
    }
    for (const t of tickets) {
      const subject = scrub(t.subject).value;
      if (subject !== t.subject || (t.snippet && scrub(t.snippet).count)) await erasureRepository.renameTicket(m, t.id, subject, t.snippet ? scrub(t.snippet).value : null);
      await ticketRepository.refreshStats(m, t.id, now);
    }
    const forms = spans.flatMap(spanForms);
    const copies = await redactionRepository.copiesContaining(m, forms, null);
    for (const o of copies.outbox) await redactionRepository.rewriteOutboxPayload(m, o.id, redactDeep(o.payload, spans, () => ERASED).value);
    for (const p of copies.previews) await redactionRepository.rewritePreview(m, p.id, { raw: (await redactRaw(p.raw, spans, '', () => ERASED)).raw, subject: scrub(p.subject).value, recipients: scrub(p.recipients).value });
    counts.copies = copies.outbox.length + copies.previews.length;
    Object.assign(counts, await erasureRepository.forgetContact(m, contactId, identities.filter((i) => i.kind === 'email').map((i) => i.value), erasedName(contactId)));

    for (const id of ticketIds) {
      await ticketEventRepository.record(m, id, 'contact.erased', viewer ? actorOf(viewer, cause) : { type: 'system', cause }, { contactId, requestId }, now);
      tx.emit('ticket.updated', { ticketId: id, changes: ['events', 'messages'], cause });
    }
    await erasureRepository.updateCounts(m, requestId, counts);
    return { requestId, state: 'done' as const, refusal: null, counts };
  });
}

function scrubbedMessage(msg: Message, scrub: (v: string) => { value: string; count: number }) {
  const text = scrub(msg.text);
  const fullText = msg.fullText !== null ? scrub(msg.fullText) : null;
  const html = msg.html !== null ? scrub(msg.html) : null;
  const authorName = msg.authorName ? scrub(msg.authorName) : null;
  if (!text.count && !fullText?.count && !html?.count && !authorName?.count) return null;
  return { text: text.value, fullText: fullText?.value ?? null, html: html?.value ?? null, authorName: authorName?.value ?? msg.authorName ?? null };
}
