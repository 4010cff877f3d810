import type { EntityManager } from 'typeorm';
import { Macro } from '../entities';
import { copyRows, referenceCache } from './reference-cache';

export const macroRepository = {
  async list(m: EntityManager): Promise<Macro[]> {
    const load = () => m.getRepository(Macro).find({ order: { name: 'ASC' }, take: 500 });
    return copyRows(await referenceCache(m).get(m, 'macros', 'all', load));
  },
  async findById(m: EntityManager, id: number): Promise<Macro | null> {
    return m.getRepository(Macro).findOneBy({ id });
  },
  async findByName(m: EntityManager, name: string): Promise<Macro | null> {
    return m.getRepository(Macro).createQueryBuilder('x').where('LOWER(x.name) = LOWER(:name)', { name }).getOne();
  },
  async insert(m: EntityManager, x: Omit<Macro, 'id'>): Promise<number> {
    const id = (await m.getRepository(Macro).insert(x)).identifiers[0].id;
    referenceCache(m).changed(m, 'macros');
    return id;
  },
  async update(m: EntityManager, id: number, patch: Partial<Pick<Macro, 'name' | 'description' | 'actions' | 'updatedAt'>>): Promise<void> {
    await m.getRepository(Macro).update({ id }, patch);
    referenceCache(m).changed(m, 'macros');
  },
  async remove(m: EntityManager, id: number): Promise<boolean> {
    const gone = ((await m.getRepository(Macro).delete({ id })).affected ?? 0) > 0;
    referenceCache(m).changed(m, 'macros');
    return gone;
  },
};
