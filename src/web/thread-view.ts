import type { EntityManager } from 'typeorm';
import type { Ticket } from '../db/entities';
import { contactRepository } from '../db/repositories/contact.repository';
import { messageRepository } from '../db/repositories/message.repository';
import { ticketRepository } from '../db/repositories/ticket.repository';
import { presentMessages } from '../http/presenters/message.presenter';
import { visibleMessages, type TicketAccessFacts } from '../policies/audience.policy';
import { loadTicketAccess } from '../policies/ticket-access';
import type { Viewer } from '../policies/viewer';
import { threadPath } from './thread-path';

// Everything a thread page or its JSON shows, for one viewer, decided by the audience policy.
export async function loadThreadView(m: EntityManager, viewer: Viewer, ticketId: number) {
  const { ticket, facts } = await loadTicketAccess(m, viewer, ticketId);
  const messages = visibleMessages(viewer, facts, await messageRepository.listByTicket(m, ticket.id));
  const presented = await presentMessages(m, viewer, messages);
  const [tags, requester, me] = await Promise.all([
    // Customer and public pages show community topics only; other tags are staff information.
    ticketRepository.tagsOf(m, [ticket.id], { publicOnly: true }),
    contactRepository.findById(m, ticket.requesterId),
    viewer.kind === 'contact' ? contactRepository.findById(m, viewer.contactId) : Promise.resolve(null),
  ]);
  return { ticket, facts, messages: presented, tags: tags.get(ticket.id) ?? [], requester, me };
}

export function canPost(viewer: Viewer, ticket: Ticket, facts: TicketAccessFacts, banned: boolean): boolean {
  if (viewer.kind !== 'contact' || banned || ticket.status === 'closed') return false;
  return facts.isParticipant || ticket.visibility === 'public';
}

export function ticketBrief(t: Ticket, tags: string[]) {
  return { id: t.id, subject: t.subject, status: t.status, visibility: t.visibility, acceptedMessageId: t.acceptedMessageId, tags, url: threadPath(t), createdAt: new Date(t.createdAt).toISOString() };
}

export function describe(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 155);
}
