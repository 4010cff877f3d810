import { inboundItemRepository } from '../../db/repositories/inbound-item.repository';
import { messageRepository } from '../../db/repositories/message.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import { factsWriter } from '../../reports/facts-writer';
import { addInboundMessage } from '../../tickets/commands/add-inbound-message';
import { openInboundTicket } from '../../tickets/commands/open-inbound-ticket';
import { ClaimLostError } from '../../errors';
import type { Step } from '../context';
import { automaticReason } from '../automatic-mail';
import { recordForwardNote } from './035-forwarded';
import { recordMasking } from './045-mask-cards';
import { opensFromItsOwnTime } from '../../reports/ticket-facts';

// Step 6: ticket, message, attachments, thread link and the ledger row in one transaction,
// through the same ticket commands every other change uses (TicketEvents and reporting facts).
// Events are collected here and published by the next step, after the commit.
export const persist: Step = async (ctx, deps) => {
  const msg = ctx.msg!;
  const now = deps.now();
  const authorId = ctx.authorContactId!;
  const noise = automaticReason(ctx.msg) !== null;

  await deps.db.transaction(async (tx) => {
    const m = tx.m;
    let ticket = ctx.ticket ? await ticketRepository.findById(m, ctx.ticket.id) : null;
    let created = false;
    if (!ticket) {
      const subject = (msg.subject?.trim() || firstLine(msg.text) || '(no subject)').slice(0, 250);
      ticket = await openInboundTicket(tx, now, {
        inbox: ctx.inbox, requesterId: authorId, subject, visibility: msg.audienceHint === 'public' ? 'public' : 'private',
        threadKey: msg.threadKey ?? null, followUpOfId: ctx.thread?.followUpOfId ?? null, automatic: ctx.automatic ?? null,
        historicAt: ctx.item.historic || opensFromItsOwnTime(msg) ? msg.receivedAt ?? now : null, forwardedBy: ctx.forwardedBy?.label ?? null,
      });
      created = true;
    }
    const forwardedBy = ctx.forwardedBy ? `forwarded by ${ctx.forwardedBy.label}` : null;
    const { messageId, audience, changes } = await addInboundMessage(tx, ticket, now, {
      msg, authorId, participantContactIds: ctx.participantContactIds, created, noise, inboundItemId: ctx.item.id, inboundRaw: ctx.item.raw,
      threadLink: { rule: ctx.thread!.rule, evidence: [ctx.thread!.evidence, forwardedBy].filter(Boolean).join('; ') || null },
      reopenClosed: ctx.thread!.reopenClosed,
    });
    await recordMasking(m, ctx, ticket.id, messageId, now);
    const noteId = await recordForwardNote(m, ctx, ticket.id, now);
    if (noteId !== null) await factsWriter.message(m, (await ticketRepository.findById(m, ticket.id))!, (await messageRepository.findById(m, noteId))!);
    const held = await inboundItemRepository.settle(m, ctx.item.id, ctx.item.attempts, { state: 'processed', ticketId: ticket.id, messageId, error: null, processedAt: now, flags: msg.noise ? { ...msg.noise } : null });
    // Another worker took the row over: roll back so the item lands once.
    if (!held) throw new ClaimLostError(ctx.item.id);

    ctx.messageId = messageId;
    ctx.ticket = ticket;
    if (created) ctx.events.push({ name: 'ticket.created', payload: { ticketId: ticket.id } });
    else ctx.events.push({ name: 'ticket.updated', payload: { ticketId: ticket.id, changes } });
    ctx.events.push({ name: 'message.created', payload: { ticketId: ticket.id, messageId, audience, channel: msg.channel, direction: 'inbound' } });
    // What must commit with these events (webhook deliveries, kept counts); historic mail tells no one.
    await deps.db.beforeCommitOf(m, ctx.events, { historic: ctx.item.historic });
  });
  ctx.outcome = { state: 'processed' };
};

function firstLine(text: string): string {
  return (text.split('\n').find((l) => l.trim()) ?? '').trim().slice(0, 120);
}
