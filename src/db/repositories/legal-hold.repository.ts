import { EntityManager, In, IsNull, type FindOptionsWhere } from 'typeorm';
import { type HoldScope, LegalHold } from '../entities';

export interface HoldTargets { ticketIds?: number[]; contactIds?: number[]; inboxIds?: number[] }

// Legal holds. Reads use (scope, target_id, released_at): a check for a page of tickets is
// three index lookups, whatever the number of holds.
export const legalHoldRepository = {
  // The active holds that cover any of these tickets, contacts or inboxes (retention and
  // erasure refuse to delete while one applies).
  async activeFor(m: EntityManager, q: HoldTargets): Promise<LegalHold[]> {
    const where: FindOptionsWhere<LegalHold>[] = [];
    const add = (scope: HoldScope, ids: number[] | undefined) => {
      const unique = [...new Set(ids ?? [])];
      if (unique.length) where.push({ scope, targetId: In(unique), releasedAt: IsNull() });
    };
    add('ticket', q.ticketIds);
    add('contact', q.contactIds);
    add('inbox', q.inboxIds);
    if (!where.length) return [];
    return m.getRepository(LegalHold).find({ where, order: { id: 'ASC' } });
  },

  async findById(m: EntityManager, id: number): Promise<LegalHold | null> {
    return m.getRepository(LegalHold).findOneBy({ id });
  },

  async place(m: EntityManager, hold: Pick<LegalHold, 'scope' | 'targetId' | 'reason' | 'createdBy' | 'createdAt'>): Promise<LegalHold> {
    const row = { ...hold, releasedAt: null, releasedBy: null, releaseReason: null };
    const r = await m.getRepository(LegalHold).insert(row);
    return { ...row, id: r.identifiers[0].id as number };
  },

  // Only an active hold is released, once (two admins lifting at once: the second changes nothing).
  async release(m: EntityManager, id: number, by: number | null, reason: string, at: number): Promise<boolean> {
    const r = await m.getRepository(LegalHold).update({ id, releasedAt: IsNull() }, { releasedAt: at, releasedBy: by, releaseReason: reason });
    return (r.affected ?? 0) > 0;
  },

  // Active first, then released, newest first within each: the admin page's list.
  async list(m: EntityManager, limit = 200): Promise<LegalHold[]> {
    const repo = m.getRepository(LegalHold);
    const active = await repo.find({ where: { releasedAt: IsNull() }, order: { id: 'DESC' } });
    const past = await repo.createQueryBuilder('h').where('h.released_at IS NOT NULL').orderBy('h.released_at', 'DESC').limit(limit).getMany();
    return [...active, ...past];
  },
};
