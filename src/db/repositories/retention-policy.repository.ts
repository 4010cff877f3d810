import { EntityManager } from 'typeorm';
import { RetentionPolicy, RetentionRun } from '../entities';

// Retention policies and the log of their sweeps.
export const retentionPolicyRepository = {
  async list(m: EntityManager): Promise<RetentionPolicy[]> {
    return m.getRepository(RetentionPolicy).find({ order: { id: 'ASC' } });
  },

  async findById(m: EntityManager, id: number): Promise<RetentionPolicy | null> {
    return m.getRepository(RetentionPolicy).findOneBy({ id });
  },

  async insert(m: EntityManager, p: Omit<RetentionPolicy, 'id'>): Promise<RetentionPolicy> {
    const r = await m.getRepository(RetentionPolicy).insert(p);
    return { ...p, id: r.identifiers[0].id as number };
  },

  async update(m: EntityManager, id: number, patch: Partial<Omit<RetentionPolicy, 'id'>>): Promise<void> {
    await m.getRepository(RetentionPolicy).update({ id }, patch);
  },

  async remove(m: EntityManager, id: number): Promise<boolean> {
    const r = await m.getRepository(RetentionPolicy).delete({ id });
    return (r.affected ?? 0) > 0;
  },

  async recordRun(m: EntityManager, run: Omit<RetentionRun, 'id'>): Promise<RetentionRun> {
    const r = await m.getRepository(RetentionRun).insert(run);
    return { ...run, id: r.identifiers[0].id as number };
  },

  async runs(m: EntityManager, limit = 50): Promise<RetentionRun[]> {
    return m.getRepository(RetentionRun).find({ order: { id: 'DESC' }, take: limit });
  },
};
