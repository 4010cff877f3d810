import { EntityManager } from 'typeorm';
import { ListeningItemMatch, ListeningStream } from '../entities';

const DAY_MS = 86_400_000;

export type StreamPollOutcome = Pick<ListeningStream, 'lastPolledAt' | 'lastError' | 'nextPollAt'> & { cursor?: string | null };

// Listening streams: what the admin set up, and each stream's poll bookkeeping.
export const listeningStreamRepository = {
  async list(m: EntityManager): Promise<ListeningStream[]> {
    return m.getRepository(ListeningStream).find({ order: { id: 'ASC' } });
  },

  async findById(m: EntityManager, id: number): Promise<ListeningStream | null> {
    return m.getRepository(ListeningStream).findOneBy({ id });
  },

  async insert(m: EntityManager, s: Omit<ListeningStream, 'id'>): Promise<ListeningStream> {
    const r = await m.getRepository(ListeningStream).insert(s);
    return { ...s, id: r.identifiers[0].id as number };
  },

  async update(m: EntityManager, id: number, patch: Partial<Omit<ListeningStream, 'id'>>): Promise<void> {
    await m.getRepository(ListeningStream).update({ id }, patch);
  },

  // The stream's matches go with it; the items stay, so a post already dismissed stays dismissed.
  async remove(m: EntityManager, id: number): Promise<boolean> {
    await m.getRepository(ListeningItemMatch).delete({ streamId: id });
    const r = await m.getRepository(ListeningStream).delete({ id });
    return (r.affected ?? 0) > 0;
  },

  // Enabled streams whose time has come (never polled, or past their next poll time).
  async due(m: EntityManager, now: number): Promise<ListeningStream[]> {
    return m.getRepository(ListeningStream).createQueryBuilder('s')
      .where('s.enabled = :on AND (s.next_poll_at IS NULL OR s.next_poll_at <= :now)', { on: true, now })
      .orderBy('s.next_poll_at', 'ASC').addOrderBy('s.id', 'ASC').getMany();
  },

  // Only the poll's own columns: an admin's edit saved while the poll ran survives it.
  async recordPoll(m: EntityManager, id: number, o: StreamPollOutcome): Promise<void> {
    const patch: Partial<ListeningStream> = { lastPolledAt: o.lastPolledAt, lastError: o.lastError, nextPollAt: o.nextPollAt };
    if (o.cursor !== undefined) patch.cursor = o.cursor;
    await m.getRepository(ListeningStream).update({ id }, patch);
  },

  // Posts each stream found per UTC day since `sinceMs`: read from the (stream_id, matched_at) index.
  async itemsPerDay(m: EntityManager, streamIds: number[], sinceMs: number): Promise<Map<number, { day: string; count: number }[]>> {
    const out = new Map<number, { day: string; count: number }[]>();
    if (!streamIds.length) return out;
    const rows: { stream_id: number | string; day: number | string; n: number | string }[] = await m.getRepository(ListeningItemMatch)
      .createQueryBuilder('x')
      .select('x.stream_id', 'stream_id').addSelect(`(x.matched_at / ${DAY_MS})`, 'day').addSelect('COUNT(*)', 'n')
      .where('x.stream_id IN (:...ids) AND x.matched_at >= :since', { ids: streamIds, since: sinceMs })
      .groupBy('x.stream_id').addGroupBy(`(x.matched_at / ${DAY_MS})`)
      .orderBy('day', 'DESC').getRawMany();
    for (const r of rows) {
      const id = Number(r.stream_id);
      const day = new Date(Math.floor(Number(r.day)) * DAY_MS).toISOString().slice(0, 10);
      out.set(id, [...(out.get(id) ?? []), { day, count: Number(r.n) }]);
    }
    return out;
  },
};
