import type { Audience, TicketStatus } from '../../db/entities';
import { blobRepository } from '../../db/repositories/blob.repository';
import { inboundItemRepository } from '../../db/repositories/inbound-item.repository';
import { messageRepository } from '../../db/repositories/message.repository';
import { ticketEventRepository } from '../../db/repositories/ticket-event.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import { ClaimLostError } from '../../errors';
import type { Step } from '../context';
import { automaticReason } from '../automatic-mail';
import { recordForwardNote } from './035-forwarded';

// Step 6: ticket, message, attachments, thread link and the ledger row in one transaction.
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
      const id = await ticketRepository.insert(m, {
        subject, status: 'new', priority: 'normal', visibility: msg.audienceHint === 'public' ? 'public' : 'private',
        requesterId: authorId, assigneeId: null, teamId: ctx.inbox.defaultTeamId, inboxId: ctx.inbox.id, channel: ctx.inbox.channel,
        threadKey: msg.threadKey ?? null, snippet: null, messageCount: 0, mergedIntoId: null, followUpOfId: ctx.thread?.followUpOfId ?? null,
        acceptedMessageId: null, firstResponseAt: null, solvedAt: null, lastActivityAt: now, createdAt: now, updatedAt: now,
        slaDueAt: ctx.inbox.firstResponseMinutes && !ctx.automatic && !ctx.item.historic ? now + ctx.inbox.firstResponseMinutes * 60_000 : null,
        automatic: ctx.automatic ?? null,
      });
      ticket = (await ticketRepository.findById(m, id))!;
      created = true;
      await ticketRepository.addParticipant(m, id, authorId, 'requester');
      await ticketEventRepository.record(m, id, 'created', { type: 'contact', id: authorId }, { channel: ctx.inbox.channel, followUpOf: ctx.thread?.followUpOfId ?? null, automatic: ctx.automatic ?? null, forwardedBy: ctx.forwardedBy?.label ?? null }, now);
    }

    // Someone who joins a private conversation (a CC'd person, a reply from a forwarded thread)
    // becomes a participant; on a public thread anyone may post without gaining private access.
    const publicPost = msg.audienceHint === 'public' && ticket.visibility === 'public';
    // Machine mail on someone's ticket is for agents: a delivery report, or a stranger's
    // auto-reply, is never shown to the customer, and its sender never joins the conversation.
    const staffOnly = noise && (!!msg.noise?.bounce || (!created && !(await ticketRepository.isParticipant(m, ticket.id, authorId))));
    if (!publicPost && !noise) {
      await ticketRepository.addParticipant(m, ticket.id, authorId, ticket.requesterId === authorId ? 'requester' : 'cc');
      for (const pid of ctx.participantContactIds) await ticketRepository.addParticipant(m, ticket.id, pid, 'cc');
    }
    const audience: Audience = staffOnly ? 'staff' : publicPost ? 'public' : 'participants';

    const messageId = await messageRepository.insert(m, {
      ticketId: ticket.id, authorType: 'contact', authorContactId: authorId, authorAgentId: null, authorName: msg.author.name?.slice(0, 200) || null, channel: msg.channel,
      direction: 'inbound', audience, text: msg.text, fullText: msg.fullText ?? null, html: msg.html ?? null,
      externalId: msg.externalId ?? null, emailMessageId: msg.emailMessageId ?? null, deliveryState: null, deliveryError: null,
      inboundItemId: ctx.item.id, hidden: false, score: 0,
      flags: msg.noise || msg.flags ? { ...(msg.flags ?? {}), ...(msg.noise ? { noise: msg.noise } : {}) } : null,
      createdAt: msg.receivedAt ?? now,
    });
    for (const a of msg.attachments ?? []) {
      const sha256 = await blobRepository.put(m, a.content);
      await messageRepository.insertAttachment(m, {
        messageId, filename: a.filename, contentType: a.contentType, size: a.content.length, sha256,
        contentId: a.contentId ?? null, inline: !!a.inline, createdAt: now,
      });
    }
    const forwardedBy = ctx.forwardedBy ? `forwarded by ${ctx.forwardedBy.label}` : null;
    await messageRepository.insertThreadLink(m, { messageId, ticketId: ticket.id, rule: ctx.thread!.rule, evidence: [ctx.thread!.evidence, forwardedBy].filter(Boolean).join('; ') || null, createdAt: now });
    await recordForwardNote(m, ctx, ticket.id, now);
    await ticketRepository.touchWithMessage(m, ticket.id, now, audience === 'staff' ? null : msg.text);
    if (ticket.automatic && !noise) {
      // A person wrote on a ticket that automatic mail opened: it belongs in the inbox now.
      await ticketRepository.update(m, ticket.id, { automatic: null });
      await ticketEventRepository.record(m, ticket.id, 'restored', { type: 'contact', id: authorId }, { automatic: ticket.automatic, reason: 'a person wrote' }, now);
    }

    const changes: string[] = ['last_activity'];
    // A customer's answer brings a waiting or solved ticket back to the agents; an auto-reply does not.
    const reopen: Partial<Record<TicketStatus, TicketStatus>> = { pending: 'open', solved: 'open' };
    // A closed ticket reopens only when the thread step decided so for this inbox, and says why.
    const reopenClosed = ticket.status === 'closed' ? ctx.thread!.reopenClosed : undefined;
    const next = !created && !noise ? (reopenClosed ? 'open' : reopen[ticket.status]) : undefined;
    if (next) {
      await ticketRepository.update(m, ticket.id, { status: next, solvedAt: null });
      await ticketEventRepository.record(m, ticket.id, 'status', { type: 'contact', id: authorId }, { from: ticket.status, to: next, reason: reopenClosed ?? 'customer reply' }, now);
      changes.push('status');
    }
    const held = await inboundItemRepository.settle(m, ctx.item.id, ctx.item.attempts, { state: 'processed', ticketId: ticket.id, messageId, error: null, processedAt: now, flags: msg.noise ? { ...msg.noise } : null });
    // Another worker took the row over: roll back so the item lands once.
    if (!held) throw new ClaimLostError(ctx.item.id);

    ctx.messageId = messageId;
    ctx.ticket = ticket;
    if (created) ctx.events.push({ name: 'ticket.created', payload: { ticketId: ticket.id } });
    else ctx.events.push({ name: 'ticket.updated', payload: { ticketId: ticket.id, changes } });
    ctx.events.push({ name: 'message.created', payload: { ticketId: ticket.id, messageId, audience } });
  });
  ctx.outcome = { state: 'processed' };
};

function firstLine(text: string): string {
  return (text.split('\n').find((l) => l.trim()) ?? '').trim().slice(0, 120);
}
