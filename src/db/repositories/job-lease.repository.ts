import { EntityManager } from 'typeorm';
import { JobLease } from '../entities/job-lease.entity';

export const jobLeaseRepository = {
  // Takes (or renews) the lease when it is free, expired or already ours; true when we hold it.
  async acquire(m: EntityManager, name: string, holder: string, now: number, leaseMs: number): Promise<boolean> {
    await m.createQueryBuilder().insert().into(JobLease)
      .values({ name, holder: null, leaseUntil: 0, lastRunAt: null, lastError: null })
      .orIgnore().execute();
    const r = await m.createQueryBuilder().update(JobLease)
      .set({ holder, leaseUntil: now + leaseMs })
      .where('name = :name AND (lease_until < :now OR holder = :holder)', { name, now, holder })
      .execute();
    return (r.affected ?? 0) > 0;
  },

  async finished(m: EntityManager, name: string, holder: string, at: number, error: string | null): Promise<void> {
    await m.createQueryBuilder().update(JobLease)
      .set({ lastRunAt: at, lastError: error ? error.slice(0, 500) : null })
      .where('name = :name AND holder = :holder', { name, holder }).execute();
  },

  // A stopping node hands its leases back so another node takes over at once.
  async release(m: EntityManager, name: string, holder: string): Promise<void> {
    await m.createQueryBuilder().update(JobLease).set({ holder: null, leaseUntil: 0 })
      .where('name = :name AND holder = :holder', { name, holder }).execute();
  },

  async find(m: EntityManager, name: string): Promise<JobLease | null> {
    return m.getRepository(JobLease).findOneBy({ name });
  },
};
