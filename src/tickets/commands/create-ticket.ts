import type { Priority } from '../../db/entities';
import { contactRepository, type IdentityInput } from '../../db/repositories/contact.repository';
import { inboxRepository } from '../../db/repositories/inbox.repository';
import { ticketEventRepository } from '../../db/repositories/ticket-event.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import { ValidationError } from '../../errors';
import type { Viewer } from '../../policies/viewer';
import { actorOf, CommandDeps } from './command-deps';
import { postAgentMessage } from './post-agent-message';
import { factsWriter } from '../../reports/facts-writer';

export interface CreateTicketInput {
  inboxId: number;
  subject: string;
  requester: { contactId?: number; identity?: IdentityInput & { name?: string } };
  visibility?: 'public' | 'private';
  priority?: Priority;
  // The agent's first message (outbound to the requester) or a note, as the ticket opens.
  message?: { text: string; html?: string | null; audience: 'public' | 'participants' | 'staff' };
  tags?: string[];
}

// An agent opens a ticket on a customer's behalf (a phone call, a walk-in, a proactive message).
export async function createTicket(deps: CommandDeps, viewer: Extract<Viewer, { kind: 'agent' }>, input: CreateTicketInput) {
  return deps.db.transaction(async (tx) => {
    const now = deps.now();
    const inbox = await inboxRepository.findById(tx.m, input.inboxId);
    if (!inbox) throw new ValidationError('No such inbox.', { inboxId: ['No inbox has this id.'] });
    let requesterId = input.requester.contactId;
    if (requesterId !== undefined) {
      if (!(await contactRepository.findById(tx.m, requesterId))) throw new ValidationError('No such contact.', { 'requester.contactId': ['No contact has this id.'] });
    } else if (input.requester.identity) {
      const i = input.requester.identity;
      const found = await contactRepository.findIdentity(tx.m, i.kind, i.value);
      requesterId = found?.contactId ?? (await contactRepository.create(tx.m, i.name || i.displayName || i.value, now));
      if (!found) await contactRepository.addIdentity(tx.m, requesterId, i, now);
    } else {
      throw new ValidationError('A requester is needed.', { requester: ['Give contactId or identity.'] });
    }
    const id = await ticketRepository.insert(tx.m, {
      subject: input.subject, status: 'new', priority: input.priority ?? 'normal', visibility: input.visibility ?? 'private', requesterId,
      assigneeId: null, teamId: inbox.defaultTeamId, inboxId: inbox.id, channel: inbox.channel, threadKey: null, snippet: null, messageCount: 0,
      mergedIntoId: null, followUpOfId: null, acceptedMessageId: null, firstResponseAt: null, solvedAt: null, slaDueAt: null,
      lastActivityAt: now, createdAt: now, updatedAt: now,
    });
    await ticketRepository.addParticipant(tx.m, id, requesterId, 'requester');
    for (const tag of input.tags ?? []) await ticketRepository.addTag(tx.m, id, tag.trim().toLowerCase());
    await ticketEventRepository.record(tx.m, id, 'created', actorOf(viewer, deps.cause), { by: 'agent' }, now);
    tx.emit('ticket.created', { ticketId: id });
    const ticket = (await ticketRepository.findById(tx.m, id))!;
    await factsWriter.ticketCreated(tx.m, ticket, now, { agentId: viewer.agentId });
    if (input.message) await postAgentMessage(tx, deps, viewer, ticket, input.message);
    return (await ticketRepository.findById(tx.m, id))!;
  });
}
