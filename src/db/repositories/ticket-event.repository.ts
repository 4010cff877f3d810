import { EntityManager } from 'typeorm';
import { TicketEvent } from '../entities';

export type Actor = { type: 'agent'; id: number } | { type: 'contact'; id: number } | { type: 'system'; id?: null };

export const ticketEventRepository = {
  async record(m: EntityManager, ticketId: number, type: string, actor: Actor, data: Record<string, any> | null, now: number): Promise<void> {
    await m.getRepository(TicketEvent).insert({ ticketId, type, actorType: actor.type, actorId: actor.id ?? null, data, createdAt: now });
  },
  async listByTicket(m: EntityManager, ticketId: number): Promise<TicketEvent[]> {
    return m.getRepository(TicketEvent).find({ where: { ticketId }, order: { id: 'ASC' } });
  },
};
