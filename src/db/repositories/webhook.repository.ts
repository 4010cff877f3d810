import type { EntityManager } from 'typeorm';
import { Webhook, WebhookAttempt } from '../entities';

export const webhookRepository = {
  async list(m: EntityManager): Promise<Webhook[]> {
    return m.getRepository(Webhook).find({ order: { id: 'ASC' }, take: 500 });
  },

  // Read on every event that a webhook could carry; the table holds a handful of rows.
  async listActive(m: EntityManager): Promise<Webhook[]> {
    return m.getRepository(Webhook).find({ where: { active: true }, order: { id: 'ASC' } });
  },

  async findById(m: EntityManager, id: number): Promise<Webhook | null> {
    return m.getRepository(Webhook).findOneBy({ id });
  },

  async insert(m: EntityManager, w: Omit<Webhook, 'id'>): Promise<number> {
    return (await m.getRepository(Webhook).insert(w)).identifiers[0].id;
  },

  async update(m: EntityManager, id: number, patch: Partial<Omit<Webhook, 'id' | 'createdAt' | 'createdBy'>>): Promise<void> {
    await m.getRepository(Webhook).update({ id }, patch);
  },

  // The webhook and its delivery log; deliveries still queued find it gone and stop.
  async remove(m: EntityManager, id: number): Promise<boolean> {
    await m.getRepository(WebhookAttempt).delete({ webhookId: id });
    return ((await m.getRepository(Webhook).delete({ id })).affected ?? 0) > 0;
  },

  async insertAttempt(m: EntityManager, a: Omit<WebhookAttempt, 'id'>): Promise<number> {
    return (await m.getRepository(WebhookAttempt).insert(a)).identifiers[0].id;
  },

  // One webhook's attempts, newest first; `beforeId` pages on to older ones.
  async attempts(m: EntityManager, webhookId: number, limit: number, beforeId?: number): Promise<WebhookAttempt[]> {
    const q = m.getRepository(WebhookAttempt).createQueryBuilder('a').where('a.webhook_id = :webhookId', { webhookId }).orderBy('a.id', 'DESC').limit(limit);
    if (beforeId) q.andWhere('a.id < :beforeId', { beforeId });
    return q.getMany();
  },

  async attemptsOfDelivery(m: EntityManager, deliveryId: string): Promise<WebhookAttempt[]> {
    return m.getRepository(WebhookAttempt).find({ where: { deliveryId }, order: { id: 'ASC' } });
  },

  async countAttempts(m: EntityManager, webhookId: number): Promise<number> {
    return m.getRepository(WebhookAttempt).countBy({ webhookId });
  },
};
