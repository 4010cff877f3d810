import { EntityManager } from 'typeorm';
import { type EventCause, TicketEvent } from '../entities';
import { chainRepository } from './chain.repository';

// `cause` names the rule or macro behind an automatic change; the actor is who carried it out.
export type Actor = ({ type: 'agent'; id: number } | { type: 'contact'; id: number } | { type: 'system'; id?: null }) & { cause?: EventCause };

export const ticketEventRepository = {
  async record(m: EntityManager, ticketId: number, type: string, actor: Actor, data: Record<string, any> | null, now: number): Promise<void> {
    const r = await m.getRepository(TicketEvent).insert({ ticketId, type, actorType: actor.type, actorId: actor.id ?? null, data, cause: actor.cause ?? null, createdAt: now });
    await chainRepository.queue(m, { ticketId, subjectType: 'event', subjectId: r.identifiers[0].id as number, action: 'added', at: now });
  },
  // Personal data removed from an event's details (an erasure): a 'redacted' link in the chain.
  async redact(m: EntityManager, e: Pick<TicketEvent, 'id' | 'ticketId'>, data: Record<string, any> | null, at: number): Promise<void> {
    await m.getRepository(TicketEvent).update({ id: e.id }, { data });
    await chainRepository.queue(m, { ticketId: e.ticketId, subjectType: 'event', subjectId: e.id, action: 'redacted', at });
  },
  // The newest event of one type on a ticket (who made the assignment a transaction just wrote).
  async latestOfType(m: EntityManager, ticketId: number, type: string): Promise<TicketEvent | null> {
    return m.getRepository(TicketEvent).findOne({ where: { ticketId, type }, order: { id: 'DESC' } });
  },
  async listByTicket(m: EntityManager, ticketId: number): Promise<TicketEvent[]> {
    return m.getRepository(TicketEvent).find({ where: { ticketId }, order: { id: 'ASC' } });
  },
};
