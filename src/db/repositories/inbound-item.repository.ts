import { EntityManager } from 'typeorm';
import { InboundItem, InboundState } from '../entities';

export const inboundItemRepository = {
  async insert(m: EntityManager, item: Omit<InboundItem, 'id' | 'claimedAt'>): Promise<number> {
    const r = await m.getRepository(InboundItem).insert({ ...item, claimedAt: null });
    return r.identifiers[0].id;
  },

  async findByKey(m: EntityManager, key: string): Promise<InboundItem | null> {
    return m.getRepository(InboundItem).findOneBy({ idempotencyKey: key });
  },

  async findById(m: EntityManager, id: number): Promise<InboundItem | null> {
    return m.getRepository(InboundItem).findOneBy({ id });
  },

  async update(m: EntityManager, id: number, patch: Partial<InboundItem>): Promise<void> {
    await m.getRepository(InboundItem).update({ id }, patch);
  },

  async listByState(m: EntityManager, state: InboundState, limit: number, opts: { receivedBefore?: number } = {}): Promise<InboundItem[]> {
    const qb = m.getRepository(InboundItem).createQueryBuilder('i').where('i.state = :state', { state });
    if (opts.receivedBefore) qb.andWhere('i.received_at < :before', { before: opts.receivedBefore });
    return qb.orderBy('i.id', 'ASC').limit(limit).getMany();
  },

  // Compare-and-set on the attempt count: true for exactly one worker, and only while the row is
  // unfinished and no other claim newer than `staleBefore` holds it.
  async claim(m: EntityManager, id: number, attempts: number, now: number, staleBefore: number): Promise<boolean> {
    const r = await m.createQueryBuilder().update(InboundItem).set({ attempts: attempts + 1, claimedAt: now })
      .where("id = :id AND attempts = :attempts AND state IN ('received', 'failed') AND (claimed_at IS NULL OR claimed_at < :staleBefore)", { id, attempts, staleBefore })
      .execute();
    return !!r.affected;
  },

  async countsByState(m: EntityManager): Promise<Record<string, number>> {
    const rows: { state: string; n: string | number }[] = await m.getRepository(InboundItem).createQueryBuilder('i')
      .select('i.state', 'state').addSelect('COUNT(*)', 'n').groupBy('i.state').getRawMany();
    return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
  },
};
