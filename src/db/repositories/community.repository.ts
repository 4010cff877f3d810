import { EntityManager } from 'typeorm';
import { Flag, Message, Ticket, Vote } from '../entities';

export type QuestionTab = 'latest' | 'unanswered' | 'solved';

export const communityRepository = {
  // Public questions for the community lists. A search arrives as the ticket ids the full-text
  // index matched in public-only mode (searchPublicQuestions); this narrows them by tab and tag.
  async listQuestions(m: EntityManager, f: { tab: QuestionTab; tag?: string; ids?: number[]; limit: number }): Promise<Ticket[]> {
    if (f.ids && !f.ids.length) return [];
    const qb = m.getRepository(Ticket).createQueryBuilder('t').where("t.visibility = 'public' AND t.merged_into_id IS NULL");
    if (f.ids) qb.andWhere('t.id IN (:...ids)', { ids: f.ids });
    if (f.tab === 'solved') qb.andWhere("t.status IN ('solved', 'closed')");
    // Only public, visible posts count or match: the snippet and message count include
    // participant-only messages and must never shape what the public list shows.
    const publicPost = "SELECT 1 FROM messages mm WHERE mm.ticket_id = t.id AND mm.audience = 'public' AND mm.hidden = :no";
    if (f.tab === 'unanswered') qb.andWhere(`t.status NOT IN ('solved', 'closed') AND t.accepted_message_id IS NULL AND NOT EXISTS (${publicPost} AND (mm.author_contact_id IS NULL OR mm.author_contact_id <> t.requester_id))`, { no: false });
    // Only a public tag filters the public list: an internal tag must not sort questions either.
    if (f.tag) qb.andWhere('EXISTS (SELECT 1 FROM ticket_tags tt WHERE tt.ticket_id = t.id AND tt.tag = :tag AND tt.is_public = :yes)', { tag: f.tag, yes: true });
    return qb.orderBy('t.last_activity_at', 'DESC').addOrderBy('t.id', 'DESC').limit(f.limit).getMany();
  },

  // Per question: the opening public post and how many public answers follow it.
  async publicSummaries(m: EntityManager, ticketIds: number[]): Promise<Map<number, { first: { text: string; html: string | null } | null; answers: number }>> {
    const out = new Map<number, { first: { text: string; html: string | null } | null; answers: number }>();
    if (!ticketIds.length) return out;
    const rows = await m.getRepository(Message).createQueryBuilder('mm').select(['mm.id', 'mm.ticketId', 'mm.text', 'mm.html'])
      .where("mm.ticket_id IN (:...ids) AND mm.audience = 'public' AND mm.hidden = :no", { ids: ticketIds, no: false }).orderBy('mm.id', 'ASC').getMany();
    for (const r of rows) {
      const cur = out.get(r.ticketId);
      if (!cur) out.set(r.ticketId, { first: { text: r.text, html: r.html }, answers: 0 });
      else cur.answers++;
    }
    return out;
  },

  async popularTags(m: EntityManager, limit: number): Promise<{ tag: string; n: number }[]> {
    const rows = await m.query(
      `SELECT tt.tag AS tag, COUNT(*) AS n FROM ticket_tags tt JOIN tickets t ON t.id = tt.ticket_id WHERE t.visibility = 'public' AND tt.is_public = ${m.connection.options.type === 'postgres' ? 'true' : '1'} GROUP BY tt.tag ORDER BY COUNT(*) DESC, tt.tag LIMIT ${Math.min(100, Math.max(1, Math.floor(limit)))}`,
    );
    return rows.map((r: { tag: string; n: string | number }) => ({ tag: r.tag, n: Number(r.n) }));
  },

  // One vote per member per post; answers the post's new score and the member's previous vote.
  async vote(m: EntityManager, messageId: number, contactId: number, value: -1 | 0 | 1, now: number): Promise<{ score: number; previous: number }> {
    const previous = (await m.getRepository(Vote).findOneBy({ messageId, contactId }))?.value ?? 0;
    await m.getRepository(Vote).delete({ messageId, contactId });
    if (value) await m.getRepository(Vote).insert({ messageId, contactId, value, createdAt: now });
    const row = await m.getRepository(Vote).createQueryBuilder('v').select('COALESCE(SUM(v.value), 0)', 'score').where('v.message_id = :messageId', { messageId }).getRawOne();
    const score = Number(row?.score ?? 0);
    await m.getRepository(Message).update({ id: messageId }, { score });
    return { score, previous };
  },

  async votesOf(m: EntityManager, contactId: number, messageIds: number[]): Promise<Map<number, number>> {
    if (!messageIds.length) return new Map();
    const rows = await m.getRepository(Vote).createQueryBuilder('v').where('v.contact_id = :contactId AND v.message_id IN (:...ids)', { contactId, ids: messageIds }).getMany();
    return new Map(rows.map((r) => [r.messageId, r.value]));
  },

  async flag(m: EntityManager, messageId: number, contactId: number, reason: string, now: number): Promise<boolean> {
    if (await m.getRepository(Flag).existsBy({ messageId, contactId })) return false;
    await m.getRepository(Flag).insert({ messageId, contactId, reason, createdAt: now, resolvedAt: null, resolution: null });
    return true;
  },

  async openFlags(m: EntityManager, limit: number): Promise<Flag[]> {
    return m.getRepository(Flag).createQueryBuilder('f').where('f.resolved_at IS NULL').orderBy('f.id', 'ASC').limit(limit).getMany();
  },

  async resolveFlags(m: EntityManager, messageId: number, resolution: string, now: number): Promise<void> {
    await m.createQueryBuilder().update(Flag).set({ resolvedAt: now, resolution }).where('message_id = :messageId AND resolved_at IS NULL', { messageId }).execute();
  },
};
