import { contactRepository, reassignContact } from '../../db/repositories/contact.repository';
import { reportSourceRepository } from '../../db/repositories/report-fact.repository';
import { ticketEventRepository } from '../../db/repositories/ticket-event.repository';
import { ConflictError, NotFoundError } from '../../errors';
import type { Viewer } from '../../policies/viewer';
import type { CommandDeps } from '../../tickets/commands/command-deps';
import { factsWriter } from '../../reports/facts-writer';

// One person seen on two channels becomes one contact: identities, tickets and posts move to the
// kept contact; the merged one remains as a pointer, and every affected ticket records it.
export async function mergeContacts(deps: CommandDeps, viewer: Extract<Viewer, { kind: 'agent' }>, fromId: number, intoId: number) {
  if (fromId === intoId) throw new ConflictError('A contact cannot be merged into itself.');
  return deps.db.transaction(async (tx) => {
    const from = await contactRepository.findById(tx.m, fromId);
    const into = await contactRepository.findById(tx.m, intoId);
    if (!from || !into) throw new NotFoundError('Contact');
    if (from.mergedIntoId || into.mergedIntoId) throw new ConflictError('That contact was already merged into another one.');
    const touched = await reportSourceRepository.ticketsOfContact(tx.m, fromId);
    const tickets = await reassignContact(tx.m, fromId, intoId);
    await contactRepository.update(tx.m, fromId, { mergedIntoId: intoId });
    await contactRepository.update(tx.m, intoId, { reputation: into.reputation + from.reputation });
    // One person now: their posts on each other's threads are the customer's, not community
    // answers, and their reach is their largest identity's. The facts are derived again.
    await factsWriter.rebuild(tx.m, touched);
    for (const id of tickets) {
      await ticketEventRepository.record(tx.m, id, 'contact.merged', { type: 'agent', id: viewer.agentId }, { from: fromId, fromName: from.name, into: intoId }, deps.now());
      tx.emit('ticket.updated', { ticketId: id, changes: ['requester'] });
    }
    return { contactId: intoId, tickets };
  });
}
