import type { Ticket } from '../../db/entities';
import { messageRepository } from '../../db/repositories/message.repository';
import { findPrivateContinuation, ticketRepository } from '../../db/repositories/ticket.repository';
import { verifyReplyToken } from '../../mail/reply-token';
import type { IngestContext, IngestDeps, Step } from '../context';
import { isNoise } from './030-loop-guard';

const DAY = 86_400_000;

// Step 5: find the ticket this message belongs to (DESIGN §5). First match wins:
// in-reply-to → references (from a participant) → signed reply token → [#number] from a
// participant → platform conversation key → a new ticket. A number or a Message-ID alone never
// attaches a stranger's mail.
export const thread: Step = async (ctx, deps) => {
  const found = await findThread(ctx, deps);
  if (found) {
    let ticket = await ticketRepository.resolve(deps.db.m, found.ticket.id);
    if (ticket && ticket.status === 'closed' && ticket.lastActivityAt < deps.now() - ctx.inbox.followUpDays * DAY) {
      // A reply to a long-closed ticket opens a new one, linked to the old.
      ctx.thread = { rule: 'follow-up', evidence: `follows up #${ticket.id} (${found.rule}: ${found.evidence ?? ''})`, followUpOfId: ticket.id };
      ticket = null;
    } else {
      ctx.thread = { rule: found.rule, evidence: found.evidence };
    }
    ctx.ticket = ticket;
  } else {
    ctx.ticket = null;
    ctx.thread = { rule: 'new', evidence: null };
  }
  if (!ctx.ticket && isNoise(ctx)) {
    // Auto-replies and list mail never open a customer ticket; the ledger keeps them.
    ctx.outcome = { state: 'ignored', note: `not threaded and flagged as ${ctx.msg!.noise?.reason ?? 'automatic mail'}` };
    return 'stop';
  }
};

type Found = { ticket: Ticket; rule: 'in-reply-to' | 'references' | 'reply-token' | 'subject-number' | 'social-conversation'; evidence: string | null };

async function findThread(ctx: IngestContext, deps: IngestDeps): Promise<Found | null> {
  const m = deps.db.m;
  const msg = ctx.msg!;
  const load = async (id: number) => ticketRepository.findById(m, id);
  const isParticipant = async (t: Ticket, contactId: number | undefined) =>
    !!contactId && (t.requesterId === contactId || (await ticketRepository.isParticipant(m, t.id, contactId)));

  for (const [rule, ids] of [['in-reply-to', msg.inReplyTo ?? []], ['references', [...(msg.references ?? [])].reverse()]] as const) {
    if (!ids.length) continue;
    const hit = await messageRepository.findByEmailMessageIds(m, ids as string[]);
    if (hit) {
      const t = await load(hit.ticketId);
      // Knowing a Message-ID is not enough: replies from many people to one widely sent mail
      // (a newsletter, an announcement with support in CC) must not pile into one ticket.
      if (t && (await isParticipant(t, ctx.authorContactId))) return { ticket: t, rule, evidence: hit.emailMessageId };
    }
  }

  if (msg.replyToken) {
    const id = verifyReplyToken(deps.secret, msg.replyToken);
    const t = id ? await load(id) : null;
    if (t && t.inboxId === ctx.inbox.id) return { ticket: t, rule: 'reply-token', evidence: msg.replyToken };
  }

  const num = /\[#(\d+)\]/.exec(msg.subject ?? '');
  if (num && ctx.authorContactId) {
    const t = await load(Number(num[1]));
    if (t && (await isParticipant(t, ctx.authorContactId))) {
      return { ticket: t, rule: 'subject-number', evidence: num[0] };
    }
  }

  // A reply on a platform names the post it answers; that post (ours or theirs) has a ticket.
  if (msg.replyToExternalId) {
    const parent = await messageRepository.findByExternalId(m, msg.channel, msg.replyToExternalId);
    const t = parent ? await load(parent.ticketId) : null;
    if (t && t.inboxId === ctx.inbox.id) return { ticket: t, rule: 'social-conversation', evidence: `reply to ${msg.replyToExternalId}` };
  }

  if (msg.threadKey) {
    const t = await ticketRepository.findOpenByThreadKey(m, ctx.inbox.id, msg.threadKey);
    if (t) return { ticket: t, rule: 'social-conversation', evidence: msg.threadKey };
  }

  if (msg.threadKey && msg.audienceHint === 'private' && ctx.authorContactId) {
    const t = await findPrivateContinuation(m, ctx.inbox.id, ctx.authorContactId);
    if (t) return { ticket: t, rule: 'social-conversation', evidence: `private continuation of public #${t.id}` };
  }
  return null;
}
