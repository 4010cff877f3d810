import type { ThreadRule, Ticket } from '../../db/entities';
import { messageRepository } from '../../db/repositories/message.repository';
import { findPrivateContinuation, ticketRepository } from '../../db/repositories/ticket.repository';
import { verifyReplyToken } from '../../mail/reply-token';
import type { IngestContext, IngestDeps, Step } from '../context';
import { automaticReason } from '../automatic-mail';
import { isNoise } from './030-loop-guard';

const DAY = 86_400_000;

// Step 5: find the ticket this message belongs to (DESIGN §5). First match wins:
// in-reply-to → references (from a participant, or answering our own mail) → signed reply token
// → [#number] from a participant → platform conversation key → a new ticket. Nothing crosses the
// receiving inbox, a number or a customer's Message-ID alone never attaches a stranger's mail,
// and an unverified sender never joins an existing ticket.
export const thread: Step = async (ctx, deps) => {
  if (ctx.bounceOf) {
    // A report about one of our messages belongs beside it, whoever sent the report.
    ctx.ticket = await ticketRepository.resolve(deps.db.m, ctx.bounceOf.ticketId);
    ctx.thread = { rule: 'bounce', evidence: `delivery report about message ${ctx.bounceOf.messageId}` };
    if (ctx.ticket) return;
  }
  const found = await findThread(ctx, deps);
  if (found?.beside) {
    ctx.ticket = null;
    ctx.thread = { rule: 'thread-key', evidence: found.evidence, followUpOfId: found.ticket.id };
  } else if (found) {
    ctx.ticket = await ticketRepository.resolve(deps.db.m, found.ticket.id);
    ctx.thread = { rule: found.rule, evidence: found.evidence };
    if (found.otherAddressOf) ctx.msg!.flags = { ...(ctx.msg!.flags ?? {}), otherAddressOf: found.otherAddressOf };
    if (ctx.ticket?.status === 'closed' && !isNoise(ctx)) await replyToClosed(ctx, deps, ctx.ticket, found);
  } else {
    ctx.ticket = null;
    ctx.thread = { rule: 'new', evidence: null };
  }
  // Automatic mail with no ticket of its own opens one flagged with the reason: kept, searchable
  // and restorable, but out of the triage views (no answer, no SLA, no round-robin).
  if (!ctx.ticket) ctx.automatic = automaticReason(ctx.msg);
};

// A match, or (beside) a ticket whose key the author may not join: a new ticket is linked to it.
type Found = { ticket: Ticket; rule: Exclude<ThreadRule, 'new'>; evidence: string | null; beside?: boolean; otherAddressOf?: number };

// A closed ticket takes no more messages. Inside the follow-up window an inbox that reopens
// closed tickets reopens it; otherwise the reply opens a follow-up linked to it (or joins the
// follow-up an earlier reply opened), so it is never stranded where no one can answer.
async function replyToClosed(ctx: IngestContext, deps: IngestDeps, closed: Ticket, found: Found): Promise<void> {
  const inWindow = closed.lastActivityAt >= deps.now() - ctx.inbox.followUpDays * DAY;
  if (inWindow && ctx.inbox.closedReplies === 'reopen') {
    ctx.thread = { ...ctx.thread!, reopenClosed: `reopened: customer replied to closed #${closed.id}` };
    return;
  }
  const follow = await ticketRepository.findOpenFollowUp(deps.db.m, closed.id);
  if (follow && (await participates(deps, follow, ctx.authorContactId))) {
    ctx.ticket = follow;
    ctx.thread = { rule: found.rule, evidence: `${found.evidence ?? ''} (closed #${closed.id}; its follow-up #${follow.id})` };
    return;
  }
  ctx.ticket = null;
  ctx.thread = { rule: 'follow-up', evidence: `follow-up of closed #${closed.id} (${found.rule}: ${found.evidence ?? ''})`, followUpOfId: closed.id };
}

async function participates(deps: IngestDeps, t: Ticket, contactId: number | undefined): Promise<boolean> {
  return !!contactId && (t.requesterId === contactId || (await ticketRepository.isParticipant(deps.db.m, t.id, contactId)));
}

async function findThread(ctx: IngestContext, deps: IngestDeps): Promise<Found | null> {
  const m = deps.db.m;
  const msg = ctx.msg!;
  // Anyone can type anyone's address into a form: it names no one's ticket.
  if (msg.verified === false) return null;
  const author = ctx.authorContactId;
  // Another inbox's ticket is not there to be found from this one.
  const load = async (id: number) => {
    const t = await ticketRepository.findById(m, id);
    return t && t.inboxId === ctx.inbox.id ? t : null;
  };
  const isParticipant = (t: Ticket) => participates(deps, t, author);

  for (const [rule, ids] of [['in-reply-to', msg.inReplyTo ?? []], ['references', [...(msg.references ?? [])].reverse()]] as const) {
    if (!ids.length) continue;
    let ours: Found | null = null;
    for (const hit of await messageRepository.listByEmailMessageIdsInInbox(m, ids as string[], ctx.inbox.id)) {
      const t = await load(hit.ticketId);
      if (!t) continue;
      // Knowing a customer's Message-ID is not enough: replies from many people to one widely
      // sent mail (a newsletter, an announcement with support in CC) must not pile into one ticket.
      if (await isParticipant(t)) return { ticket: t, rule, evidence: hit.emailMessageId };
      // Our own Message-ID cannot be guessed: whoever answers it received our mail — usually the
      // customer writing from another address, which the agent is offered to add to them.
      if (!ours && hit.direction === 'outbound' && hit.authorType === 'agent') ours = { ticket: t, rule, evidence: `${hit.emailMessageId} (our mail, answered from an address not on the ticket)`, otherAddressOf: t.requesterId };
    }
    if (ours) return ours;
  }

  if (msg.replyToken) {
    const id = verifyReplyToken(deps.secret, msg.replyToken);
    const t = id ? await load(id) : null;
    if (t) return { ticket: t, rule: 'reply-token', evidence: msg.replyToken };
  }

  const num = /\[#(\d+)\]/.exec(msg.subject ?? '');
  if (num && author) {
    const t = await load(Number(num[1]));
    if (t && (await isParticipant(t))) return { ticket: t, rule: 'subject-number', evidence: num[0] };
  }

  // A platform key proves only that the author is on that conversation, not who they are to the
  // ticket: a stranger's public post on a public thread joins it (as a public post, no
  // participation); anything else from a stranger opens a ticket of its own, linked.
  const onKey = async (t: Ticket, evidence: string): Promise<Found> => {
    if ((await isParticipant(t)) || (t.visibility === 'public' && msg.audienceHint === 'public')) return { ticket: t, rule: 'social-conversation', evidence };
    return { ticket: t, rule: 'thread-key', evidence: `${evidence}: not a participant of ${t.visibility} #${t.id}`, beside: true };
  };

  // A reply on a platform names the post it answers; that post (ours or theirs) has a ticket.
  if (msg.replyToExternalId) {
    const parent = await messageRepository.findByExternalId(m, msg.channel, msg.replyToExternalId, ctx.inbox.id);
    const t = parent ? await load(parent.ticketId) : null;
    if (t) return onKey(t, `reply to ${msg.replyToExternalId}`);
  }

  if (msg.threadKey) {
    const keyed = await ticketRepository.listByThreadKey(m, ctx.inbox.id, msg.threadKey);
    for (const t of keyed) if (await isParticipant(t)) return { ticket: t, rule: 'social-conversation', evidence: msg.threadKey };
    if (keyed[0]) return onKey(keyed[0], msg.threadKey);
  }

  if (msg.threadKey && msg.audienceHint === 'private' && author) {
    const t = await findPrivateContinuation(m, ctx.inbox.id, author);
    if (t) return { ticket: t, rule: 'social-conversation', evidence: `private continuation of public #${t.id}` };
  }
  return null;
}
