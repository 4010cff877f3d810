import type { EntityManager } from 'typeorm';
import { Macro } from '../entities';

export const macroRepository = {
  async list(m: EntityManager): Promise<Macro[]> {
    return m.getRepository(Macro).find({ order: { name: 'ASC' }, take: 500 });
  },
  async findById(m: EntityManager, id: number): Promise<Macro | null> {
    return m.getRepository(Macro).findOneBy({ id });
  },
  async findByName(m: EntityManager, name: string): Promise<Macro | null> {
    return m.getRepository(Macro).createQueryBuilder('x').where('LOWER(x.name) = LOWER(:name)', { name }).getOne();
  },
  async insert(m: EntityManager, x: Omit<Macro, 'id'>): Promise<number> {
    return (await m.getRepository(Macro).insert(x)).identifiers[0].id;
  },
  async update(m: EntityManager, id: number, patch: Partial<Pick<Macro, 'name' | 'description' | 'actions' | 'updatedAt'>>): Promise<void> {
    await m.getRepository(Macro).update({ id }, patch);
  },
  async remove(m: EntityManager, id: number): Promise<boolean> {
    return ((await m.getRepository(Macro).delete({ id })).affected ?? 0) > 0;
  },
};
