import { EntityManager } from 'typeorm';
import { OutboxItem } from '../entities';
import { laneOf } from '../../outbox/lanes';
import { outboxQueuedIn } from '../transaction';
import { insertForId } from './insert-row';
import { binder } from './plain-rows';
import { isPg, returnedRows } from './raw-sql';

export const outboxRepository = {
  // Inside a transaction (Db.transaction, a savepoint, or a commit hook of one) its commit
  // publishes 'outbox.enqueued', which pokes the worker; outside one only the poll finds the row.
  async enqueue(m: EntityManager, item: Pick<OutboxItem, 'kind' | 'messageId' | 'ticketId' | 'inboxId' | 'payload'>, now: number): Promise<number> {
    const id = await insertForId(m, OutboxItem, {
      ...item, lane: laneOf(item), state: 'queued', attempts: 0, nextAttemptAt: now, lockedUntil: null, lastError: null, externalId: null, createdAt: now, sentAt: null,
    });
    outboxQueuedIn(m);
    return id;
  },

  // Claims one due item outside the lanes and tickets the caller has no room for (a full lane; a
  // ticket with a send in flight, so its replies leave in order). On Postgres the row lock with
  // SKIP LOCKED lets many nodes' workers share the queue without taking the same row; the lease
  // (locked_until) covers a worker that dies mid-send: the item becomes due again when it runs out.
  async claimDue(m: EntityManager, now: number, leaseMs: number, skip: { lanes?: string[]; ticketIds?: number[] } = {}): Promise<OutboxItem | null> {
    const pg = isPg(m);
    const { bind, params } = binder(m);
    const lease = bind(now + leaseMs);
    // Bound once per use: SQLite's placeholders are positional.
    const due = bind(now);
    const expired = bind(now);
    const lanes = skip.lanes?.length ? `AND lane NOT IN (${skip.lanes.map(bind).join(', ')})` : '';
    const tickets = skip.ticketIds?.length ? `AND (ticket_id IS NULL OR ticket_id NOT IN (${skip.ticketIds.map(bind).join(', ')}))` : '';
    const sql = `UPDATE outbox_items SET locked_until = ${lease}, attempts = attempts + 1
           WHERE id = (SELECT id FROM outbox_items WHERE state = 'queued' AND next_attempt_at <= ${due}
                         AND (locked_until IS NULL OR locked_until < ${expired}) ${lanes} ${tickets}
                         ORDER BY next_attempt_at, id LIMIT 1${pg ? ' FOR UPDATE SKIP LOCKED' : ''})
         RETURNING id`;
    const rows = returnedRows<{ id: number }>(m, await m.query(sql, params));
    if (!rows?.length) return null;
    return m.getRepository(OutboxItem).findOneBy({ id: rows[0].id });
  },

  async update(m: EntityManager, id: number, patch: Partial<OutboxItem>): Promise<void> {
    await m.getRepository(OutboxItem).update({ id }, patch);
  },

  async findById(m: EntityManager, id: number): Promise<OutboxItem | null> {
    return m.getRepository(OutboxItem).findOneBy({ id });
  },

  async byMessage(m: EntityManager, messageId: number): Promise<OutboxItem[]> {
    return m.getRepository(OutboxItem).find({ where: { messageId }, order: { id: 'ASC' } });
  },

  async findByExternalId(m: EntityManager, externalId: string): Promise<OutboxItem | null> {
    return m.getRepository(OutboxItem).findOneBy({ externalId });
  },

  async nextDueAt(m: EntityManager): Promise<number | null> {
    const row = await m.getRepository(OutboxItem).createQueryBuilder('o').select('MIN(o.next_attempt_at)', 'n').where("o.state = 'queued'").getRawOne();
    return row?.n == null ? null : Number(row.n);
  },
};

// Whether a contact was sent an automatic acknowledgement since `since` (per-recipient rate limit).
export async function autoAckSentSince(m: EntityManager, contactId: number, since: number): Promise<boolean> {
  const rows = await m.getRepository(OutboxItem).createQueryBuilder('o')
    .innerJoin('tickets', 't', 't.id = o.ticket_id')
    .where("o.kind = 'email.auto-ack' AND t.requester_id = :contactId AND o.created_at > :since", { contactId, since })
    .limit(1).getCount();
  return rows > 0;
}
