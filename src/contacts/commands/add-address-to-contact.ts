import { contactRepository, reassignContact } from '../../db/repositories/contact.repository';
import { messageRepository } from '../../db/repositories/message.repository';
import { ticketEventRepository } from '../../db/repositories/ticket-event.repository';
import { ConflictError, NotFoundError } from '../../errors';
import type { Viewer } from '../../policies/viewer';
import { loadTicket, type CommandDeps } from '../../tickets/commands/command-deps';

// A reply that answered our own mail from an address we did not know (threaded by our
// Message-ID) carries the contact it answered. The agent confirms the address is theirs: the
// address, and everything written from it, joins that contact. Ingest never does this alone.
export async function addAddressToContact(deps: CommandDeps, viewer: Extract<Viewer, { kind: 'agent' }>, ticketId: number, messageId: number) {
  return deps.db.transaction(async (tx) => {
    const t = await loadTicket(tx.m, ticketId);
    const msg = await messageRepository.findById(tx.m, messageId);
    const intoId = msg?.flags?.otherAddressOf;
    if (!msg || msg.ticketId !== t.id || typeof intoId !== 'number' || !msg.authorContactId) throw new NotFoundError('A message from a new address');
    const fromId = msg.authorContactId;
    if (fromId === intoId) throw new ConflictError('That address already belongs to the contact.');
    const from = await contactRepository.findById(tx.m, fromId);
    const into = await contactRepository.findById(tx.m, intoId);
    if (!from || !into) throw new NotFoundError('Contact');
    if (from.mergedIntoId || into.mergedIntoId) throw new ConflictError('That contact was already merged into another one.');
    const identities = await contactRepository.identitiesOf(tx.m, [fromId]);
    const address = identities.find((i) => i.kind === 'email');
    // A contact known by more than this one address is a person of their own: merging them is a
    // decision for the contact merge, not this shortcut.
    if (!address || identities.length !== 1) throw new ConflictError(`${from.name} is known by other identities too; merge the contacts instead.`);
    const tickets = await reassignContact(tx.m, fromId, intoId);
    await contactRepository.update(tx.m, fromId, { mergedIntoId: intoId });
    for (const id of new Set([...tickets, t.id])) {
      await ticketEventRepository.record(tx.m, id, 'contact.address_added', { type: 'agent', id: viewer.agentId }, { address: address.value, from: fromId, into: intoId, intoName: into.name, messageId }, deps.now());
      tx.emit('ticket.updated', { ticketId: id, changes: ['requester'] });
    }
    return { contactId: intoId, address: address.value, tickets: [...new Set([...tickets, t.id])] };
  });
}
