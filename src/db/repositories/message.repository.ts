import { EntityManager } from 'typeorm';
import { Attachment, Message, ThreadLink, Ticket } from '../entities';
import { chainRepository } from './chain.repository';
import { insertForId, insertRow } from './insert-row';
import { binder } from './plain-rows';

// What a message said and who said it are sealed in its ticket's hash chain; an in-place
// change of one of these fields is a redaction (src/archive/), never a plain update.
const SEALED: (keyof Message)[] = ['authorType', 'authorAgentId', 'authorName', 'channel', 'direction', 'audience', 'text', 'fullText', 'html', 'inboundItemId', 'createdAt'];

export const messageRepository = {
  async insert(m: EntityManager, msg: Omit<Message, 'id'>): Promise<number> {
    const id = await insertForId(m, Message, msg);
    await chainRepository.queue(m, { ticketId: msg.ticketId, subjectType: 'message', subjectId: id, action: 'added', at: msg.createdAt });
    return id;
  },

  async findById(m: EntityManager, id: number): Promise<Message | null> {
    return m.getRepository(Message).findOneBy({ id });
  },

  // The platform's id of a message, the one column mention linking needs (no entity read).
  async externalIdOf(m: EntityManager, id: number): Promise<string | null> {
    const { bind, params } = binder(m);
    const rows: { externalId: string | null }[] = await m.query(`SELECT external_id AS "externalId" FROM messages WHERE id = ${bind(id)}`, params);
    return rows[0]?.externalId ?? null;
  },

  // The message, its row locked until the transaction ends (Postgres; SQLite has one writer):
  // for a read whose value decides a write, such as a send's settling beside a bounce.
  async findByIdForUpdate(m: EntityManager, id: number): Promise<Message | null> {
    if (m.connection.driver.options.type !== 'postgres') return this.findById(m, id);
    return m.getRepository(Message).createQueryBuilder('msg').where('msg.id = :id', { id }).setLock('pessimistic_write').getOne();
  },

  async findByIds(m: EntityManager, ids: number[]): Promise<Message[]> {
    if (!ids.length) return [];
    return m.getRepository(Message).createQueryBuilder('msg').where('msg.id IN (:...ids)', { ids: [...new Set(ids)] }).getMany();
  },

  async listByTicket(m: EntityManager, ticketId: number): Promise<Message[]> {
    return m.getRepository(Message).createQueryBuilder('msg').where('msg.ticket_id = :ticketId', { ticketId }).orderBy('msg.id', 'ASC').getMany();
  },

  async update(m: EntityManager, id: number, patch: Partial<Message>): Promise<void> {
    const sealed = SEALED.filter((k) => k in patch);
    if (sealed.length) throw new Error(`messages.${sealed.join(', ')} are sealed in the ticket's history; redact instead of updating`);
    await m.getRepository(Message).update({ id }, patch);
  },

  // A redaction: the one in-place change of what a message said, a link of its own in the chain.
  async redact(m: EntityManager, msg: Pick<Message, 'id' | 'ticketId'>, patch: Partial<Pick<Message, 'text' | 'fullText' | 'html' | 'authorName'>>, at: number): Promise<void> {
    await m.getRepository(Message).update({ id: msg.id }, patch);
    await chainRepository.queue(m, { ticketId: msg.ticketId, subjectType: 'message', subjectId: msg.id, action: 'redacted', at });
  },

  // The raw item a message arrived as was redacted (its words were not): the chain names the new content.
  async resealed(m: EntityManager, msg: Pick<Message, 'id' | 'ticketId'>, at: number): Promise<void> {
    await chainRepository.queue(m, { ticketId: msg.ticketId, subjectType: 'message', subjectId: msg.id, action: 'redacted', at });
  },

  // The moved messages become links of their new ticket's chain (the old chain keeps its own).
  async moveToTicket(m: EntityManager, ids: number[], ticketId: number, at = Date.now()): Promise<void> {
    if (!ids.length) return;
    await m.createQueryBuilder().update(Message).set({ ticketId }).where('id IN (:...ids)', { ids }).execute();
    for (const id of [...ids].sort((a, b) => a - b)) await chainRepository.queue(m, { ticketId, subjectType: 'message', subjectId: id, action: 'moved', at });
  },

  // Email threading: the newest message carrying any of these Message-IDs, ours or theirs.
  async findByEmailMessageIds(m: EntityManager, messageIds: string[]): Promise<Message | null> {
    if (!messageIds.length) return null;
    return m.getRepository(Message).createQueryBuilder('msg')
      .where('msg.email_message_id IN (:...ids)', { ids: messageIds })
      .orderBy('msg.id', 'DESC').getOne();
  },

  // Threading: messages of this inbox's tickets carrying any of these Message-IDs, newest first.
  async listByEmailMessageIdsInInbox(m: EntityManager, messageIds: string[], inboxId: number): Promise<Message[]> {
    if (!messageIds.length) return [];
    return m.getRepository(Message).createQueryBuilder('msg')
      .innerJoin(Ticket, 't', 't.id = msg.ticket_id')
      .where('msg.email_message_id IN (:...ids) AND t.inbox_id = :inboxId', { ids: messageIds, inboxId })
      .orderBy('msg.id', 'DESC').limit(20).getMany();
  },

  // With inboxId: only messages of that inbox's tickets (platform ids repeat across accounts).
  async findByExternalId(m: EntityManager, channel: string, externalId: string, inboxId?: number): Promise<Message | null> {
    const qb = m.getRepository(Message).createQueryBuilder('msg')
      .where('msg.external_id = :externalId AND msg.channel = :channel', { externalId, channel });
    if (inboxId !== undefined) qb.innerJoin(Ticket, 't', 't.id = msg.ticket_id AND t.inbox_id = :inboxId', { inboxId });
    return qb.orderBy('msg.id', 'DESC').getOne();
  },

  async insertAttachment(m: EntityManager, a: Omit<Attachment, 'id'>): Promise<number> {
    chainRepository.attachmentsChanged(m, [a.messageId]);
    return insertForId(m, Attachment, a);
  },

  async attachmentsOf(m: EntityManager, messageIds: number[]): Promise<Attachment[]> {
    if (!messageIds.length) return [];
    return m.getRepository(Attachment).createQueryBuilder('a').where('a.message_id IN (:...ids)', { ids: messageIds }).orderBy('a.id').getMany();
  },

  async findAttachment(m: EntityManager, id: number): Promise<Attachment | null> {
    return m.getRepository(Attachment).findOneBy({ id });
  },

  async insertThreadLink(m: EntityManager, l: Omit<ThreadLink, 'id'>): Promise<void> {
    await insertRow(m, ThreadLink, l);
  },

  async threadLinksOf(m: EntityManager, messageIds: number[]): Promise<ThreadLink[]> {
    if (!messageIds.length) return [];
    return m.getRepository(ThreadLink).createQueryBuilder('l').where('l.message_id IN (:...ids)', { ids: messageIds }).orderBy('l.id').getMany();
  },

  // Messages newer than `afterId` on a ticket that a reply's author has not seen (stale-reply guard).
  // The customer's side of the thread, newest first: what an automatic reply would answer.
  async lastInbound(m: EntityManager, ticketId: number): Promise<Message | null> {
    return m.getRepository(Message).findOne({ where: { ticketId, direction: 'inbound' }, order: { id: 'DESC' } });
  },
  async newerThan(m: EntityManager, ticketId: number, afterId: number): Promise<Message[]> {
    return m.getRepository(Message).createQueryBuilder('msg')
      .where('msg.ticket_id = :ticketId AND msg.id > :afterId', { ticketId, afterId }).orderBy('msg.id').getMany();
  },
};
