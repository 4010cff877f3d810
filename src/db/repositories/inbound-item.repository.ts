import { Brackets, EntityManager, In } from 'typeorm';
import { InboundItem, InboundState } from '../entities';
import { chainRepository } from './chain.repository';
import { insertForId, insertUnlessPresent } from './insert-row';
import { updateWhere } from './plain-rows';

export const inboundItemRepository = {
  // claimedAt: a row born claimed by the worker that records it (attempts 1), see ledger-batch.ts.
  async insert(m: EntityManager, item: Omit<InboundItem, 'id' | 'claimedAt' | 'retryAt' | 'historic'> & { historic?: boolean; claimedAt?: number | null }): Promise<number> {
    return insertForId(m, InboundItem, { ...item, historic: item.historic ?? false, claimedAt: item.claimedAt ?? null, retryAt: null });
  },

  // A new ledger row, or null when its idempotency key was recorded before (a redelivery).
  async insertUnlessKnown(m: EntityManager, item: Omit<InboundItem, 'id' | 'claimedAt' | 'retryAt' | 'historic'> & { historic?: boolean; claimedAt?: number | null }): Promise<number | null> {
    return insertUnlessPresent(m, InboundItem, { ...item, historic: item.historic ?? false, claimedAt: item.claimedAt ?? null, retryAt: null });
  },

  async findByKey(m: EntityManager, key: string): Promise<InboundItem | null> {
    return m.getRepository(InboundItem).findOneBy({ idempotencyKey: key });
  },

  async findById(m: EntityManager, id: number): Promise<InboundItem | null> {
    return m.getRepository(InboundItem).findOneBy({ id });
  },

  async update(m: EntityManager, id: number, patch: Partial<InboundItem>): Promise<void> {
    if ('raw' in patch) chainRepository.rawChanged(m, id);
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
    const r = await m.createQueryBuilder().update(InboundItem).set({ attempts: attempts + 1, claimedAt: now, retryAt: null })
      .where("id = :id AND attempts = :attempts AND state IN ('received', 'failed') AND (claimed_at IS NULL OR claimed_at < :staleBefore)", { id, attempts, staleBefore })
      .execute();
    return !!r.affected;
  },

  // The claim holder (known by its attempt number) keeps its lease alive while it works.
  async renewClaim(m: EntityManager, id: number, attempts: number, now: number): Promise<boolean> {
    const r = await m.createQueryBuilder().update(InboundItem).set({ claimedAt: now })
      .where("id = :id AND attempts = :attempts AND state IN ('received', 'failed')", { id, attempts })
      .execute();
    return !!r.affected;
  },

  // Writes the outcome only if the claim of attempt `attempts` still holds: a worker whose lease
  // was taken over (it stalled past the lease) must not overwrite the new holder's result.
  async settle(m: EntityManager, id: number, attempts: number, patch: Partial<InboundItem>): Promise<boolean> {
    // Plain SQL: it settles every item (see plain-rows.ts).
    return (await updateWhere(m, InboundItem, patch, (bind) => `id = ${bind(id)} AND attempts = ${bind(attempts)} AND state IN ('received', 'failed')`)) > 0;
  },

  // What the recovery sweep takes, oldest first after `afterId`: rows left `received` whose
  // claim (or, never claimed, whose arrival) is older than the lease, and failed rows whose
  // retry time came or whose retrying worker's claim went stale.
  async listRecoverable(m: EntityManager, opts: { staleBefore: number; now: number; afterId: number; limit: number }): Promise<InboundItem[]> {
    return m.getRepository(InboundItem).createQueryBuilder('i')
      .where('i.id > :afterId', { afterId: opts.afterId })
      .andWhere(new Brackets((w) => w
        .where("i.state = 'received' AND COALESCE(i.claimed_at, i.received_at) < :stale", { stale: opts.staleBefore })
        .orWhere("i.state = 'failed' AND ((i.claimed_at IS NULL AND i.retry_at <= :now) OR i.claimed_at < :stale)", { now: opts.now, stale: opts.staleBefore })))
      .orderBy('i.id', 'ASC').limit(opts.limit).getMany();
  },

  async countsByState(m: EntityManager): Promise<Record<string, number>> {
    const rows: { state: string; n: string | number }[] = await m.getRepository(InboundItem).createQueryBuilder('i')
      .select('i.state', 'state').addSelect('COUNT(*)', 'n').groupBy('i.state').getRawMany();
    return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
  },
};
