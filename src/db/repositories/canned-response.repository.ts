import type { EntityManager } from 'typeorm';
import { CannedResponse } from '../entities';
import { copyRows, referenceCache } from './reference-cache';

export const cannedResponseRepository = {
  async list(m: EntityManager): Promise<CannedResponse[]> {
    const load = () => m.getRepository(CannedResponse).find({ order: { title: 'ASC' }, take: 500 });
    return copyRows(await referenceCache(m).get(m, 'canned', 'all', load));
  },
  async findById(m: EntityManager, id: number): Promise<CannedResponse | null> {
    return m.getRepository(CannedResponse).findOneBy({ id });
  },
  async findByTitle(m: EntityManager, title: string): Promise<CannedResponse | null> {
    return m.getRepository(CannedResponse).findOneBy({ title });
  },
  async insert(m: EntityManager, c: Omit<CannedResponse, 'id'>): Promise<number> {
    const id = (await m.getRepository(CannedResponse).insert(c)).identifiers[0].id;
    referenceCache(m).changed(m, 'canned');
    return id;
  },
  async update(m: EntityManager, id: number, patch: Partial<Pick<CannedResponse, 'title' | 'body' | 'updatedAt'>>): Promise<void> {
    await m.getRepository(CannedResponse).update({ id }, patch);
    referenceCache(m).changed(m, 'canned');
  },
  async remove(m: EntityManager, id: number): Promise<boolean> {
    const gone = ((await m.getRepository(CannedResponse).delete({ id })).affected ?? 0) > 0;
    referenceCache(m).changed(m, 'canned');
    return gone;
  },
};
