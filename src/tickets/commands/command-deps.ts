import type { EntityManager } from 'typeorm';
import type { EventCause, Ticket } from '../../db/entities';
import type { Actor } from '../../db/repositories/ticket-event.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import type { Db } from '../../db/transaction';
import { NotFoundError } from '../../errors';
import type { OutboundRouter } from '../../outbox/outbound-router';
import type { Viewer } from '../../policies/viewer';

export interface CommandDeps {
  db: Db;
  outbound: OutboundRouter;
  now: () => number;
  // Set when a rule or macro runs the command: its TicketEvents and domain events name it.
  cause?: EventCause;
}

export async function loadTicket(m: EntityManager, id: number): Promise<Ticket> {
  const t = await ticketRepository.resolve(m, id);
  if (!t) throw new NotFoundError(`Ticket #${id}`);
  return t;
}

// Who acted, as a reporting fact names them.
export function factActor(v: Viewer): { agentId?: number; contactId?: number } {
  if (v.kind === 'agent') return { agentId: v.agentId };
  if (v.kind === 'contact') return { contactId: v.contactId };
  return {};
}

export function actorOf(v: Viewer, cause?: EventCause): Actor {
  const by = cause ? { cause } : {};
  if (v.kind === 'agent') return { type: 'agent', id: v.agentId, ...by };
  if (v.kind === 'contact') return { type: 'contact', id: v.contactId, ...by };
  return { type: 'system', ...by };
}
