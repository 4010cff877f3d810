import { messageRepository } from '../../db/repositories/message.repository';
import type { Step } from '../context';

// Step 3: mail loops and noise. Our own echoes end here; auto-replies, list mail and bounces go
// on to be stored as flagged messages, never answered automatically; a bounce also fails the
// outbound message it reports and is kept on that message's ticket.
export const loopGuard: Step = async (ctx, deps) => {
  const noise = ctx.msg!.noise;
  if (!noise) return;
  if (noise.echo) {
    ctx.outcome = { state: 'ignored', note: 'our own outgoing message seen again' };
    return 'stop';
  }
  if (noise.bounce) {
    const ids = noise.bouncedMessageIds ?? [];
    const original = await messageRepository.findByEmailMessageIds(deps.db.m, ids);
    if (original && original.direction === 'outbound') {
      await deps.db.transaction(async (tx) => {
        await messageRepository.update(tx.m, original.id, { deliveryState: 'failed', deliveryError: noise.bounceReason ?? 'The message bounced.' });
        tx.emit('message.updated', { ticketId: original.ticketId, messageId: original.id, audience: original.audience });
      });
      ctx.bounceOf = { ticketId: original.ticketId, messageId: original.id };
    }
  }
};

export function isNoise(ctx: { msg?: { noise?: { autoReply?: boolean; bulk?: boolean; loop?: boolean } } }): boolean {
  const n = ctx.msg?.noise;
  return !!(n && (n.autoReply || n.bulk || n.loop));
}
