import type { EntityManager } from 'typeorm';
import { CannedResponse } from '../entities';

export const cannedResponseRepository = {
  async list(m: EntityManager): Promise<CannedResponse[]> {
    return m.getRepository(CannedResponse).find({ order: { title: 'ASC' }, take: 500 });
  },
  async findById(m: EntityManager, id: number): Promise<CannedResponse | null> {
    return m.getRepository(CannedResponse).findOneBy({ id });
  },
  async findByTitle(m: EntityManager, title: string): Promise<CannedResponse | null> {
    return m.getRepository(CannedResponse).findOneBy({ title });
  },
  async insert(m: EntityManager, c: Omit<CannedResponse, 'id'>): Promise<number> {
    return (await m.getRepository(CannedResponse).insert(c)).identifiers[0].id;
  },
  async update(m: EntityManager, id: number, patch: Partial<Pick<CannedResponse, 'title' | 'body' | 'updatedAt'>>): Promise<void> {
    await m.getRepository(CannedResponse).update({ id }, patch);
  },
  async remove(m: EntityManager, id: number): Promise<boolean> {
    return ((await m.getRepository(CannedResponse).delete({ id })).affected ?? 0) > 0;
  },
};
