import type { EntityManager } from 'typeorm';
import { MailPreview } from '../entities';

export const mailPreviewRepository = {
  async insert(m: EntityManager, p: Omit<MailPreview, 'id'>): Promise<number> {
    return (await m.getRepository(MailPreview).insert(p)).identifiers[0].id;
  },

  async findById(m: EntityManager, id: number): Promise<MailPreview | null> {
    return m.getRepository(MailPreview).findOneBy({ id });
  },

  // Newest first, without the raw message; `beforeId` pages on to older mail.
  async page(m: EntityManager, limit: number, beforeId?: number): Promise<Pick<MailPreview, 'id' | 'recipients' | 'subject' | 'createdAt'>[]> {
    const q = m.getRepository(MailPreview).createQueryBuilder('p').select(['p.id', 'p.recipients', 'p.subject', 'p.createdAt']).orderBy('p.id', 'DESC').limit(limit);
    if (beforeId) q.where('p.id < :beforeId', { beforeId });
    return q.getMany();
  },

  async count(m: EntityManager): Promise<number> {
    return m.getRepository(MailPreview).count();
  },
};
