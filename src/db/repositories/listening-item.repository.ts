import { EntityManager } from 'typeorm';
import { ListeningItem, ListeningItemMatch, type ListeningPlatform, type ListeningStatus } from '../entities';

// One post as a poller read it from a platform's search, before it is stored.
export interface ListenedPost {
  platform: ListeningPlatform;
  externalId: string;
  authorId: string | null;
  authorHandle: string | null;
  authorName: string | null;
  authorUrl: string | null;
  authorFollowers: number | null;
  text: string;
  language: string | null;
  url: string | null;
  postedAt: number;
  raw: Record<string, any>;
}

export interface UpsertedPost {
  itemId: number;
  // The post was not stored before (publish listening.item.created).
  created: boolean;
  // This stream had not matched it before (a known post, found by one more query).
  newMatch: boolean;
  status: ListeningStatus;
  ticketId: number | null;
}

// Reach first, and a negative post counts three times its reach: the view's "by priority".
export const listeningPriority = (followers: number | null, sentiment: number | null) => (followers ?? 0) * (sentiment !== null && sentiment < 0 ? 3 : 1);

export type ListeningSort = 'newest' | 'priority';
// Keyset position in the view: the sort value and the id of the last row shown.
export interface ListeningCursor { value: number; id: number }

export const listeningItemRepository = {
  // Idempotent: a post is one item per platform whatever found it and however often. A known
  // post keeps its status and ticket (a dismissed post stays dismissed); only its author's reach
  // is refreshed. `ticketId`: the post already is a message on that ticket (it came as a mention).
  // `hasRule`: the stream has an auto-ticket rule, so the match waits for it to be decided;
  // without one the match is stored decided, and no handler or sweep spends a write on it.
  async upsertMatchedPost(m: EntityManager, post: ListenedPost, streamId: number, query: string, now: number, ticketId: number | null = null, hasRule = true): Promise<UpsertedPost> {
    const repo = m.getRepository(ListeningItem);
    let item = await repo.findOne({ where: { platform: post.platform, externalId: post.externalId }, select: { id: true, status: true, ticketId: true, authorFollowers: true, sentiment: true } });
    let created = false;
    if (!item) {
      const row = {
        ...post, foundAt: now, updatedAt: now, sentiment: null, priority: listeningPriority(post.authorFollowers, null),
        status: (ticketId ? 'ticketed' : 'new') as ListeningStatus, ticketId,
      };
      // orIgnore: another node may store the same post between our read and this insert.
      const r = await m.createQueryBuilder().insert().into(ListeningItem).values(row).orIgnore().execute();
      const id = r.identifiers[0]?.id as number | undefined;
      if (id) {
        created = true;
        item = { id, status: row.status, ticketId, authorFollowers: post.authorFollowers, sentiment: null } as ListeningItem;
      } else {
        item = await repo.findOneOrFail({ where: { platform: post.platform, externalId: post.externalId }, select: { id: true, status: true, ticketId: true, authorFollowers: true, sentiment: true } });
      }
    } else {
      const patch: Pick<Partial<ListeningItem>, "authorFollowers" | "ticketId" | "status" | "priority"> = {};
      if (post.authorFollowers != null && post.authorFollowers !== item.authorFollowers) {
        patch.authorFollowers = post.authorFollowers;
        patch.priority = listeningPriority(post.authorFollowers, item.sentiment);
      }
      if (ticketId && !item.ticketId) Object.assign(patch, { ticketId, status: item.status === 'new' ? 'ticketed' : item.status });
      if (Object.keys(patch).length) {
        await repo.update({ id: item.id }, { ...patch, updatedAt: now });
        Object.assign(item, patch);
      }
    }
    let newMatch = false;
    if (created || !(await m.getRepository(ListeningItemMatch).exists({ where: { itemId: item.id, streamId } }))) {
      await m.createQueryBuilder().insert().into(ListeningItemMatch)
        .values({ itemId: item.id, streamId, query, matchedAt: now, autoCheckedAt: hasRule ? null : now }).orIgnore().execute();
      newMatch = true;
    }
    return { itemId: item.id, created, newMatch, status: item.status, ticketId: item.ticketId };
  },

  async findById(m: EntityManager, id: number): Promise<ListeningItem | null> {
    return m.getRepository(ListeningItem).findOneBy({ id });
  },

  async findByPost(m: EntityManager, platform: string, externalId: string): Promise<ListeningItem | null> {
    return m.getRepository(ListeningItem).findOneBy({ platform: platform as ListeningPlatform, externalId });
  },

  // The queries that found each item, oldest match first.
  async matchesOf(m: EntityManager, itemIds: number[]): Promise<ListeningItemMatch[]> {
    if (!itemIds.length) return [];
    return m.getRepository(ListeningItemMatch).createQueryBuilder('x')
      .where('x.item_id IN (:...ids)', { ids: itemIds }).orderBy('x.id', 'ASC').getMany();
  },

  // Auto-ticket rules: the matches of a post whose stream's rule is not decided yet.
  async undecidedMatches(m: EntityManager, itemId: number): Promise<ListeningItemMatch[]> {
    return m.getRepository(ListeningItemMatch).createQueryBuilder('x')
      .where('x.item_id = :itemId AND x.auto_checked_at IS NULL', { itemId }).orderBy('x.id', 'ASC').getMany();
  },

  async noteAutoCheck(m: EntityManager, matchId: number, note: string): Promise<void> {
    await m.getRepository(ListeningItemMatch).update({ id: matchId }, { autoNote: note.slice(0, 500) });
  },

  // Claims the decision for one match: true on the one node (or handler) whose update took it.
  async claimAutoCheck(m: EntityManager, matchId: number, now: number): Promise<boolean> {
    const r = await m.createQueryBuilder().update(ListeningItemMatch).set({ autoCheckedAt: now })
      .where('id = :matchId AND auto_checked_at IS NULL', { matchId }).execute();
    return (r.affected ?? 0) > 0;
  },

  // Posts with a match left undecided since before `before` (their event was lost), oldest first,
  // through the partial index of undecided matches.
  async itemsWithUndecidedMatches(m: EntityManager, before: number, limit: number): Promise<number[]> {
    const rows: { id: number | string }[] = await m.getRepository(ListeningItemMatch).createQueryBuilder('x').select('DISTINCT x.item_id', 'id')
      .where('x.auto_checked_at IS NULL AND x.matched_at < :before', { before }).limit(limit).getRawMany();
    return rows.map((r) => Number(r.id));
  },

  // Whether a post has an item not yet on a ticket: read before taking the write lock, since
  // most mentions were never found by a stream (linkTicket checks again inside its transaction).
  async hasUnticketed(m: EntityManager, platform: string, externalId: string): Promise<boolean> {
    const item = await findIdStatus(m, platform, externalId);
    return !!item && !item.ticketId;
  },

  // The post arrived as a mention too: its item points at that ticket and leaves the new posts.
  // A dismissed or spam item keeps its status; it only learns the ticket. Returns the item id.
  async linkTicket(m: EntityManager, platform: string, externalId: string, ticketId: number, now: number): Promise<number | null> {
    const item = await findIdStatus(m, platform, externalId);
    if (!item || item.ticketId) return null;
    await m.getRepository(ListeningItem).update({ id: item.id }, { ticketId, status: item.status === 'new' ? 'ticketed' : item.status, updatedAt: now });
    return item.id;
  },

  // An agent or a rule made the post a ticket (convert-item.ts): it leaves the view. A post that
  // became a ticket some other way first (its mention) keeps that ticket. False: it has another ticket.
  async markTicketed(m: EntityManager, id: number, ticketId: number, now: number): Promise<boolean> {
    const r = await m.createQueryBuilder().update(ListeningItem).set({ ticketId, status: 'ticketed', updatedAt: now })
      .where('id = :id AND (ticket_id IS NULL OR ticket_id = :ticketId)', { id, ticketId }).execute();
    return (r.affected ?? 0) > 0;
  },

  // Only a post still unscored is scored, so a replayed event never rewrites a stored score.
  async setSentiment(m: EntityManager, id: number, sentiment: number): Promise<void> {
    await m.createQueryBuilder().update(ListeningItem).set({ sentiment, priority: () => `COALESCE(author_followers, 0) * ${sentiment < 0 ? 3 : 1}` })
      .where('id = :id AND sentiment IS NULL', { id }).execute();
  },

  // The listening view: posts not yet tickets (nor dismissed), newest or by priority, a page at a
  // time by keyset (the (status, posted_at, id) and (status, priority, id) indexes). The row-value
  // comparison is what both stores seek the index with; the equivalent `a < v OR (a = v AND
  // id < x)` made SQLite walk every newer entry first (5 ms half-way down 80,000 posts, not 0.4).
  async listNew(m: EntityManager, o: { sort: ListeningSort; limit: number; after?: ListeningCursor | null }): Promise<ListeningItem[]> {
    const col = o.sort === 'priority' ? 'i.priority' : 'i.posted_at';
    const q = m.getRepository(ListeningItem).createQueryBuilder('i').where("i.status = 'new'");
    if (o.after) q.andWhere(`(${col}, i.id) < (:v, :id)`, { v: o.after.value, id: o.after.id });
    return q.orderBy(col, 'DESC').addOrderBy('i.id', 'DESC').limit(o.limit).getMany();
  },

  async countNew(m: EntityManager): Promise<number> {
    return m.getRepository(ListeningItem).count({ where: { status: 'new' } });
  },

  // Only posts still new leave the list: a post already ticketed keeps its ticket.
  async triage(m: EntityManager, ids: number[], status: 'dismissed' | 'spam', now: number): Promise<number[]> {
    if (!ids.length) return [];
    const open = await m.getRepository(ListeningItem).createQueryBuilder('i').select('i.id', 'id')
      .where("i.id IN (:...ids) AND i.status = 'new'", { ids }).getRawMany();
    const hit = open.map((r: { id: number | string }) => Number(r.id));
    if (hit.length) await m.createQueryBuilder().update(ListeningItem).set({ status, updatedAt: now }).where('id IN (:...ids)', { ids: hit }).execute();
    return hit;
  },

  async setStatus(m: EntityManager, ids: number[], status: ListeningStatus, now: number): Promise<void> {
    if (!ids.length) return;
    await m.createQueryBuilder().update(ListeningItem).set({ status, updatedAt: now }).where('id IN (:...ids)', { ids }).execute();
  },
};

function findIdStatus(m: EntityManager, platform: string, externalId: string) {
  return m.getRepository(ListeningItem).findOne({ where: { platform: platform as ListeningPlatform, externalId }, select: { id: true, status: true, ticketId: true } });
}
