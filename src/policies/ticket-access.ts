import type { EntityManager } from 'typeorm';
import type { Ticket } from '../db/entities';
import { ticketRepository } from '../db/repositories/ticket.repository';
import { NotFoundError } from '../errors';
import { canViewTicket, type TicketAccessFacts } from './audience.policy';
import type { Viewer } from './viewer';

// Loads a ticket with the facts the audience policy needs. A ticket the viewer may not see is
// reported as missing, so private ticket numbers cannot be probed.
export async function loadTicketAccess(m: EntityManager, viewer: Viewer, ticketId: number): Promise<{ ticket: Ticket; facts: TicketAccessFacts }> {
  const ticket = await ticketRepository.resolve(m, ticketId);
  if (!ticket) throw new NotFoundError(`Ticket #${ticketId}`);
  const facts = await accessFacts(m, viewer, ticket);
  if (!canViewTicket(viewer, facts)) throw new NotFoundError(`Ticket #${ticketId}`);
  return { ticket, facts };
}

export async function accessFacts(m: EntityManager, viewer: Viewer, ticket: Ticket): Promise<TicketAccessFacts> {
  const isParticipant = viewer.kind === 'contact' && (ticket.requesterId === viewer.contactId || (await ticketRepository.isParticipant(m, ticket.id, viewer.contactId)));
  return { ticket, isParticipant };
}
