import { messageRepository } from '../../db/repositories/message.repository';
import { ticketEventRepository } from '../../db/repositories/ticket-event.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import { ConflictError, ValidationError } from '../../errors';
import type { Viewer } from '../../policies/viewer';
import { actorOf, CommandDeps, loadTicket } from './command-deps';
import { factsWriter } from '../../reports/facts-writer';

// Moves every message of `sourceId` into `targetId`; the source's number keeps resolving to the
// target. The event on the target remembers exactly what moved, so the merge can be undone.
export async function mergeTicket(deps: CommandDeps, viewer: Viewer, sourceId: number, targetId: number): Promise<{ targetId: number }> {
  return deps.db.transaction(async (tx) => {
    const src = await loadTicket(tx.m, sourceId);
    const dst = await loadTicket(tx.m, targetId);
    if (src.id === dst.id) throw new ValidationError('A ticket cannot be merged into itself.', { intoId: ['Choose another ticket number.'] });
    if (dst.status === 'closed') throw new ConflictError(`#${dst.id} is closed; merge into an open ticket.`);
    const now = deps.now();
    const messageIds = (await messageRepository.listByTicket(tx.m, src.id)).map((m) => m.id);
    await messageRepository.moveToTicket(tx.m, messageIds, dst.id, now);
    const addedParticipants: number[] = [];
    const people = [src.requesterId, ...(await ticketRepository.participants(tx.m, src.id)).map((p) => p.contactId)];
    for (const contactId of new Set(people)) {
      if (contactId === dst.requesterId || (await ticketRepository.isParticipant(tx.m, dst.id, contactId))) continue;
      await ticketRepository.addParticipant(tx.m, dst.id, contactId, 'cc');
      addedParticipants.push(contactId);
    }
    await ticketRepository.update(tx.m, src.id, { mergedIntoId: dst.id, updatedAt: now });
    await ticketRepository.refreshStats(tx.m, dst.id, now);
    await ticketEventRepository.record(tx.m, dst.id, 'merged', actorOf(viewer, deps.cause), { sourceId: src.id, messageIds, addedParticipants }, now);
    await ticketEventRepository.record(tx.m, src.id, 'merged_into', actorOf(viewer, deps.cause), { targetId: dst.id }, now);
    // The source's facts now count under the survivor.
    await factsWriter.rebuild(tx.m, [src.id, dst.id]);
    tx.emit('ticket.updated', { ticketId: dst.id, changes: ['merged', 'last_activity'] });
    tx.emit('ticket.updated', { ticketId: src.id, changes: ['merged'] });
    return { targetId: dst.id };
  });
}
