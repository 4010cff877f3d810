import type { SocialAction } from '../../channels/inbound-message';
import type { Message, Ticket } from '../../db/entities';
import { contactRepository } from '../../db/repositories/contact.repository';
import { inboundItemRepository } from '../../db/repositories/inbound-item.repository';
import { messageRepository } from '../../db/repositories/message.repository';
import { ticketEventRepository, type Actor } from '../../db/repositories/ticket-event.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import { ClaimLostError } from '../../errors';
import type { IngestContext, IngestDeps, Step } from '../context';

export interface Reaction {
  // The reacting identity (kind:value), so a changed or removed reaction replaces its own entry.
  by: string;
  name: string;
  emoji: string;
  at: number;
  // A reaction made in a private conversation is never shown beyond its participants.
  audience: 'public' | 'participants';
}

// Step 3a: items that change the conversation instead of adding to it — an unsend, a reaction,
// someone joining or leaving — are applied here and never become posts. Each one is a ticket
// event naming its cause; one that finds nothing to apply to is ignored with the reason.
export const applyAction: Step = async (ctx, deps) => {
  const action = ctx.msg!.action;
  if (!action) return;
  const target = 'targetExternalId' in action && action.targetExternalId ? await findTarget(ctx, deps, action.targetExternalId) : null;
  const identity = await contactRepository.findIdentity(deps.db.m, ctx.msg!.author.kind, ctx.msg!.author.value);
  const actor: Actor = identity ? { type: 'contact', id: identity.contactId } : { type: 'system' };
  const name = ctx.msg!.author.name || ctx.msg!.author.displayName || ctx.msg!.author.handle || ctx.msg!.author.value;
  const at = ctx.msg!.receivedAt ?? deps.now();

  if (action.kind === 'withdraw') {
    if (!target) return ignore(ctx, `withdrawal of ${action.targetExternalId}, a message Chorus never stored`);
    if (!identity || target.msg.authorContactId !== identity.contactId) return ignore(ctx, `withdrawal of message ${target.msg.id} by someone who did not write it`, target);
    await apply(ctx, deps, target.ticket, target.msg, { flags: { ...(target.msg.flags ?? {}), withdrawn: { at } }, hidden: true },
      { type: 'message.withdrawn', actor, data: { messageId: target.msg.id, externalId: action.targetExternalId, channel: ctx.msg!.channel } });
    return 'stop';
  }

  if (action.kind === 'reaction') {
    if (!target) return ignore(ctx, `reaction ${action.emoji ?? '(removed)'} to ${action.targetExternalId}, a message Chorus never stored`);
    const by = `${ctx.msg!.author.kind}:${ctx.msg!.author.value}`;
    const before = ((target.msg.flags?.reactions ?? []) as Reaction[]);
    const previous = before.find((r) => r.by === by) ?? null;
    const reactions = before.filter((r) => r.by !== by);
    const audience = ctx.msg!.audienceHint === 'private' || target.msg.audience !== 'public' ? 'participants' : 'public';
    if (action.emoji) reactions.push({ by, name, emoji: action.emoji, at, audience });
    await apply(ctx, deps, target.ticket, target.msg, { flags: { ...(target.msg.flags ?? {}), reactions } },
      { type: 'reaction', actor, data: { messageId: target.msg.id, externalId: action.targetExternalId, emoji: action.emoji, previous: previous?.emoji ?? null, by: name, audience } });
    return 'stop';
  }

  const ticket = target?.ticket ?? (await conversationTicket(ctx, deps, action));
  if (!ticket) return ignore(ctx, `${action.detail}: no ticket for this conversation yet`);
  await apply(ctx, deps, ticket, null, null, { type: 'social.event', actor, data: { event: action.event, detail: action.detail, channel: ctx.msg!.channel, messageId: target?.msg.id ?? null } });
  return 'stop';
};

async function findTarget(ctx: IngestContext, deps: IngestDeps, externalId: string): Promise<{ msg: Message; ticket: Ticket } | null> {
  const msg = await messageRepository.findByExternalId(deps.db.m, ctx.msg!.channel, externalId, ctx.inbox.id);
  const ticket = msg ? await ticketRepository.findById(deps.db.m, msg.ticketId) : null;
  return msg && ticket ? { msg, ticket } : null;
}

async function conversationTicket(ctx: IngestContext, deps: IngestDeps, action: Extract<SocialAction, { kind: 'event' }>): Promise<Ticket | null> {
  if (ctx.msg!.threadKey) {
    const [t] = await ticketRepository.listByThreadKey(deps.db.m, ctx.inbox.id, ctx.msg!.threadKey, 1);
    if (t) return t;
  }
  return action.threadKeyPrefix ? ticketRepository.findLatestByThreadKeyPrefix(deps.db.m, ctx.inbox.id, action.threadKeyPrefix) : null;
}

function ignore(ctx: IngestContext, note: string, target?: { msg: Message; ticket: Ticket }): 'stop' {
  if (target) {
    ctx.item.ticketId = target.ticket.id;
    ctx.item.messageId = target.msg.id;
  }
  ctx.outcome = { state: 'ignored', note };
  return 'stop';
}

async function apply(ctx: IngestContext, deps: IngestDeps, ticket: Ticket, msg: Message | null, patch: Partial<Message> | null, event: { type: string; actor: Actor; data: Record<string, unknown> }) {
  const now = deps.now();
  await deps.db.transaction(async (tx) => {
    if (msg && patch) await messageRepository.update(tx.m, msg.id, patch);
    await ticketEventRepository.record(tx.m, ticket.id, event.type, event.actor, event.data, now);
    const held = await inboundItemRepository.settle(tx.m, ctx.item.id, ctx.item.attempts, { state: 'processed', ticketId: ticket.id, messageId: msg?.id ?? null, error: null, processedAt: now });
    // Another worker took the row over: roll back so the change is applied once.
    if (!held) throw new ClaimLostError(ctx.item.id);
    if (msg) tx.emit('message.updated', { ticketId: ticket.id, messageId: msg.id, audience: msg.audience });
    tx.emit('ticket.updated', { ticketId: ticket.id, changes: ['events'] });
  });
  ctx.ticket = ticket;
  ctx.outcome = { state: 'processed' };
}
