import { EntityManager } from 'typeorm';
import { Inbox } from '../entities';

export const inboxRepository = {
  async insert(m: EntityManager, inbox: Omit<Inbox, 'id'>): Promise<number> {
    const r = await m.getRepository(Inbox).insert(inbox);
    return r.identifiers[0].id;
  },
  async findById(m: EntityManager, id: number): Promise<Inbox | null> {
    return m.getRepository(Inbox).findOneBy({ id });
  },
  async list(m: EntityManager): Promise<Inbox[]> {
    return m.getRepository(Inbox).find({ order: { id: 'ASC' } });
  },
  async listByChannel(m: EntityManager, channel: string): Promise<Inbox[]> {
    return m.getRepository(Inbox).find({ where: { channel: channel as Inbox['channel'] }, order: { id: 'ASC' } });
  },
  async update(m: EntityManager, id: number, patch: Partial<Inbox>): Promise<void> {
    await m.getRepository(Inbox).update({ id }, patch);
  },
};
