import { EntityManager, In } from 'typeorm';
import { Attachment, Contact, CsatSurvey, ErasureRequest, Flag, Identity, InboundItem, Message, OneTimeToken, Session, Ticket, TicketEvent, TicketParticipant, Vote } from '../entities';
import { chainRepository } from './chain.repository';
import { reportFactRepository } from './report-fact.repository';

const isPg = (m: EntityManager) => m.connection.options.type === 'postgres';

// The reads and deletes of a contact's erasure (src/contacts/commands/erase-contact.ts).
export const erasureRepository = {
  // Tickets the contact asked or took part in.
  async ticketIdsOf(m: EntityManager, contactId: number): Promise<number[]> {
    const asked = await m.getRepository(Ticket).find({ select: { id: true }, where: { requesterId: contactId } });
    const joined = await m.getRepository(TicketParticipant).find({ select: { ticketId: true }, where: { contactId } });
    const authored = await m.getRepository(Message).createQueryBuilder('msg').select('DISTINCT msg.ticket_id', 'id').where('msg.author_contact_id = :contactId', { contactId }).getRawMany<{ id: number }>();
    return [...new Set([...asked.map((t) => t.id), ...joined.map((p) => p.ticketId), ...authored.map((r) => Number(r.id))])].sort((a, b) => a - b);
  },

  async identitiesOf(m: EntityManager, contactId: number): Promise<Identity[]> {
    return m.getRepository(Identity).findBy({ contactId });
  },

  async messagesOfTickets(m: EntityManager, ticketIds: number[]): Promise<Message[]> {
    if (!ticketIds.length) return [];
    return m.getRepository(Message).find({ where: { ticketId: In(ticketIds) }, order: { id: 'ASC' } });
  },

  async eventsOfTickets(m: EntityManager, ticketIds: number[]): Promise<TicketEvent[]> {
    if (!ticketIds.length) return [];
    return m.getRepository(TicketEvent).find({ where: { ticketId: In(ticketIds) }, order: { id: 'ASC' } });
  },

  async ticketsByIds(m: EntityManager, ids: number[]): Promise<Ticket[]> {
    if (!ids.length) return [];
    return m.getRepository(Ticket).findBy({ id: In(ids) });
  },

  // Ledger rows of those tickets, and any other row whose raw bytes name one of the values
  // (mail that never became a message: a bounce, a duplicate). A full scan of the ledger:
  // erasure is rare, and nothing may be missed.
  async inboundItemsFor(m: EntityManager, ticketIds: number[], values: string[]): Promise<InboundItem[]> {
    const qb = m.getRepository(InboundItem).createQueryBuilder('i');
    const ors: string[] = [];
    const params: Record<string, unknown> = {};
    if (ticketIds.length) {
      ors.push('i.ticket_id IN (:...ticketIds)');
      params.ticketIds = ticketIds;
    }
    values.forEach((v, i) => {
      ors.push(`i.raw LIKE :v${i} ESCAPE '\\'`);
      params[`v${i}`] = `%${v.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    });
    if (!ors.length) return [];
    return qb.where(`(${ors.join(' OR ')})`, params).getMany();
  },

  async rewriteInboundRaw(m: EntityManager, id: number, raw: string): Promise<void> {
    chainRepository.rawChanged(m, id);
    await m.getRepository(InboundItem).update({ id }, { raw });
  },

  async renameTicket(m: EntityManager, id: number, subject: string, snippet: string | null): Promise<void> {
    await m.getRepository(Ticket).update({ id }, { subject, snippet });
  },

  // Attachments of these messages, and the bytes no other attachment shares.
  async deleteAttachmentsOf(m: EntityManager, messageIds: number[]): Promise<number> {
    if (!messageIds.length) return 0;
    chainRepository.attachmentsChanged(m, messageIds);
    const atts = await m.getRepository(Attachment).findBy({ messageId: In(messageIds) });
    if (!atts.length) return 0;
    await m.getRepository(Attachment).delete({ id: In(atts.map((a) => a.id)) });
    const shas = [...new Set(atts.map((a) => a.sha256))];
    const still = new Set((await m.getRepository(Attachment).find({ select: { sha256: true }, where: { sha256: In(shas) } })).map((a) => a.sha256));
    const orphans = shas.filter((s) => !still.has(s));
    if (orphans.length) await m.query(`DELETE FROM blobs WHERE sha256 IN (${orphans.map((_, i) => (isPg(m) ? `$${i + 1}` : '?')).join(', ')})`, orphans);
    return atts.length;
  },

  // The contact row stays (tickets and facts point at it) with nothing personal left in it;
  // everything that tied a person to it goes: addresses and handles, sessions, sign-in links,
  // votes and flags, rating comments. Report facts keep their counts without the person.
  async forgetContact(m: EntityManager, contactId: number, emails: string[], placeholder: string): Promise<Record<string, number>> {
    const n: Record<string, number> = {};
    await m.getRepository(Contact).update({ id: contactId }, { name: placeholder, avatarUrl: null, notes: null, customFields: null, displayName: null, avatarColor: null });
    n.identities = (await m.getRepository(Identity).delete({ contactId })).affected ?? 0;
    n.sessions = (await m.getRepository(Session).delete({ contactId })).affected ?? 0;
    n.signInLinks = emails.length ? (await m.getRepository(OneTimeToken).delete({ subject: In(emails) })).affected ?? 0 : 0;
    n.votes = (await m.getRepository(Vote).delete({ contactId })).affected ?? 0;
    n.flags = (await m.getRepository(Flag).delete({ contactId })).affected ?? 0;
    n.ratingComments = (await m.getRepository(CsatSurvey).createQueryBuilder().update().set({ comment: null }).where('contact_id = :contactId AND comment IS NOT NULL', { contactId }).execute()).affected ?? 0;
    await reportFactRepository.reassignContact(m, contactId, null);
    return n;
  },

  async record(m: EntityManager, r: Omit<ErasureRequest, 'id'>): Promise<number> {
    return (await m.getRepository(ErasureRequest).insert(r)).identifiers[0].id as number;
  },

  async updateCounts(m: EntityManager, id: number, counts: Record<string, number>): Promise<void> {
    await m.getRepository(ErasureRequest).update({ id }, { counts });
  },

  async list(m: EntityManager, limit: number, beforeId?: number): Promise<ErasureRequest[]> {
    const qb = m.getRepository(ErasureRequest).createQueryBuilder('e').orderBy('e.id', 'DESC').limit(limit);
    if (beforeId) qb.where('e.id < :beforeId', { beforeId });
    return qb.getMany();
  },
};
