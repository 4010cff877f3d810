import { legalHoldRepository } from '../../../db/repositories/legal-hold.repository';
import { ticketRepository } from '../../../db/repositories/ticket.repository';
import { ticketEventRepository } from '../../../db/repositories/ticket-event.repository';
import type { LegalHold } from '../../../db/entities';
import { ConflictError, NotFoundError } from '../../../errors';
import type { Viewer } from '../../../policies/viewer';
import { actorOf, type CommandDeps } from '../../../tickets/commands/command-deps';
import { holdReason } from './place-hold';

// Lifts a legal hold, with a reason: the next retention sweep may take what it covered. The
// row keeps who lifted it, when and why; a ticket's history records the release.
export async function releaseHold(deps: CommandDeps, viewer: Viewer, id: number, reasonIn: string): Promise<LegalHold> {
  const reason = holdReason(reasonIn, 'lifting the hold');
  return deps.db.transaction(async (tx) => {
    const hold = await legalHoldRepository.findById(tx.m, id);
    if (!hold) throw new NotFoundError(`Legal hold ${id}`);
    const now = deps.now();
    const by = viewer.kind === 'agent' ? viewer.agentId : null;
    if (!(await legalHoldRepository.release(tx.m, id, by, reason, now))) throw new ConflictError(`Legal hold ${id} was already lifted.`);
    if (hold.scope === 'ticket' && (await ticketRepository.findById(tx.m, hold.targetId))) {
      await ticketEventRepository.record(tx.m, hold.targetId, 'hold.released', actorOf(viewer), { holdId: id, reason }, now);
      tx.emit('ticket.updated', { ticketId: hold.targetId, changes: ['events'] });
    }
    return { ...hold, releasedAt: now, releasedBy: by, releaseReason: reason };
  });
}
