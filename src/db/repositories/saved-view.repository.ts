import type { EntityManager } from 'typeorm';
import { SavedView } from '../entities';
import { copyRows, referenceCache } from './reference-cache';

export const savedViewRepository = {
  async listForAgent(m: EntityManager, agentId: number): Promise<SavedView[]> {
    const load = () => m.getRepository(SavedView).find({ where: { agentId }, order: { name: 'ASC' }, take: 100 });
    return copyRows(await referenceCache(m).get(m, 'savedViews', String(agentId), load));
  },
  async insert(m: EntityManager, v: Omit<SavedView, 'id'>): Promise<number> {
    const id = (await m.getRepository(SavedView).insert(v)).identifiers[0].id;
    referenceCache(m).changed(m, 'savedViews');
    return id;
  },
  async remove(m: EntityManager, id: number, agentId: number): Promise<boolean> {
    const gone = ((await m.getRepository(SavedView).delete({ id, agentId })).affected ?? 0) > 0;
    referenceCache(m).changed(m, 'savedViews');
    return gone;
  },
};
