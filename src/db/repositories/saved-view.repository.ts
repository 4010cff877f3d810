import type { EntityManager } from 'typeorm';
import { SavedView } from '../entities';

export const savedViewRepository = {
  async listForAgent(m: EntityManager, agentId: number): Promise<SavedView[]> {
    return m.getRepository(SavedView).find({ where: { agentId }, order: { name: 'ASC' }, take: 100 });
  },
  async insert(m: EntityManager, v: Omit<SavedView, 'id'>): Promise<number> {
    return (await m.getRepository(SavedView).insert(v)).identifiers[0].id;
  },
  async remove(m: EntityManager, id: number, agentId: number): Promise<boolean> {
    return ((await m.getRepository(SavedView).delete({ id, agentId })).affected ?? 0) > 0;
  },
};
