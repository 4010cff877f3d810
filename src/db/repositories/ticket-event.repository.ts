import { EntityManager } from 'typeorm';
import { type EventCause, TicketEvent } from '../entities';
import { digestOf, eventContent } from '../../archive/chain/chain-digest';
import { jsonTransformer } from '../entities/columns';
import { chainRepository } from './chain.repository';
import { insertForId } from './insert-row';
import { binder } from './plain-rows';

export interface EventRow {
  type: string;
  actor: Actor;
  data: Record<string, any> | null;
}

// `cause` names the rule or macro behind an automatic change; the actor is who carried it out.
export type Actor = ({ type: 'agent'; id: number } | { type: 'contact'; id: number } | { type: 'system'; id?: null }) & { cause?: EventCause };

export const ticketEventRepository = {
  async record(m: EntityManager, ticketId: number, type: string, actor: Actor, data: Record<string, any> | null, now: number): Promise<void> {
    const row = { ticketId, type, actorType: actor.type, actorId: actor.id ?? null, data, cause: actor.cause ?? null, createdAt: now };
    const id = await insertForId(m, TicketEvent, row);
    // Hashed from the row as written, as recordMany does (JSON columns round trip to this form):
    // the chain need not read it back.
    const stored = { ...row, id, data: jsonTransformer.from(jsonTransformer.to(data)), cause: jsonTransformer.from(jsonTransformer.to(actor.cause ?? null)) };
    await chainRepository.queue(m, { ticketId, subjectType: 'event', subjectId: id, action: 'added', at: now, digest: digestOf(eventContent(stored as TicketEvent)) });
  },
  // Several events of one ticket in one statement (a rule pass's changes, each naming its rule),
  // in the order given. Their chain links are hashed from the rows as written (JSON columns round
  // trip to the same canonical form), so the chain need not read them back.
  async recordMany(m: EntityManager, ticketId: number, rows: EventRow[], now: number): Promise<void> {
    if (!rows.length) return;
    const { bind, params } = binder(m);
    const values = rows.map((r) => [ticketId, r.type, r.actor.type, r.actor.id ?? null, jsonTransformer.to(r.data), jsonTransformer.to(r.actor.cause ?? null), now]);
    const out: { id: number | string }[] = await m.query(
      `INSERT INTO ticket_events (ticket_id, type, actor_type, actor_id, data, cause, created_at) VALUES ${values.map((v) => `(${v.map(bind).join(', ')})`).join(', ')} RETURNING id`,
      params);
    // Ids are handed out in the order of the rows; RETURNING's own order is not promised.
    const ids = out.map((r) => Number(r.id)).sort((a, b) => a - b);
    if (ids.length !== rows.length) throw new Error(`ticket events: wrote ${ids.length} of ${rows.length}`);
    for (let i = 0; i < rows.length; i++) {
      const v = values[i];
      const digest = digestOf(eventContent({ id: ids[i], ticketId, type: rows[i].type, actorType: rows[i].actor.type, actorId: rows[i].actor.id ?? null, data: jsonTransformer.from(v[4] as string | null), cause: jsonTransformer.from(v[5] as string | null), createdAt: now }));
      await chainRepository.queue(m, { ticketId, subjectType: 'event', subjectId: ids[i], action: 'added', at: now, digest });
    }
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
