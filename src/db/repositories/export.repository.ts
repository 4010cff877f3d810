import { EntityManager, In } from 'typeorm';
import { Contact, CsatSurvey, Identity, InboundItem, MailPreview, Message, OneTimeToken, OutboxItem, Session, TicketParticipant, TicketTag, Vote, Ticket, Flag } from '../entities';

// The reads behind ticket and contact exports (src/archive/export/). Large payloads (raw items,
// blobs) are read one row at a time, when the ZIP writer reaches them.
export const exportRepository = {
  // Without the raw payload: its bytes are read on their own (rawOf) when the ZIP gets to them.
  async inboundItems(m: EntityManager, ids: number[]): Promise<Pick<InboundItem, 'id' | 'channel' | 'rawType' | 'receivedAt' | 'inboxId'>[]> {
    if (!ids.length) return [];
    return m.getRepository(InboundItem).find({ select: { id: true, channel: true, rawType: true, receivedAt: true, inboxId: true }, where: { id: In(ids) }, order: { id: 'ASC' } });
  },

  async rawOf(m: EntityManager, id: number): Promise<string | null> {
    const row = await m.getRepository(InboundItem).findOne({ select: { id: true, raw: true }, where: { id } });
    return row?.raw ?? null;
  },

  // Outgoing e-mail the outbox delivered for these messages (payload: to, cc, linkBack).
  async sentEmails(m: EntityManager, messageIds: number[]): Promise<OutboxItem[]> {
    if (!messageIds.length) return [];
    return m.getRepository(OutboxItem).find({ where: { messageId: In(messageIds), kind: 'email', state: 'sent' }, order: { id: 'ASC' } });
  },

  // The bytes of a mail kept in the preview instead of sent (no relay configured): exactly what went out.
  async previewRawOf(m: EntityManager, emailMessageId: string): Promise<string | null> {
    const row = await m.getRepository(MailPreview).findOne({ select: { id: true, raw: true }, where: { messageId: emailMessageId }, order: { id: 'DESC' } });
    return row?.raw ?? null;
  },

  async messagesByIds(m: EntityManager, ids: number[]): Promise<Message[]> {
    if (!ids.length) return [];
    return m.getRepository(Message).find({ where: { id: In(ids) }, order: { id: 'ASC' } });
  },

  // Tickets merged into this one (their numbers answer with it).
  async mergedInto(m: EntityManager, ticketId: number): Promise<number[]> {
    return (await m.getRepository(Ticket).find({ select: { id: true }, where: { mergedIntoId: ticketId }, order: { id: 'ASC' } })).map((t) => t.id);
  },

  // --- contact export (an access request) ---

  async contactsMergedInto(m: EntityManager, contactId: number): Promise<Contact[]> {
    return m.getRepository(Contact).find({ where: { mergedIntoId: contactId }, order: { id: 'ASC' } });
  },

  async identities(m: EntityManager, contactIds: number[]): Promise<Identity[]> {
    if (!contactIds.length) return [];
    return m.getRepository(Identity).find({ where: { contactId: In(contactIds) }, order: { id: 'ASC' } });
  },

  // Tickets they asked or take part in (requester, CC, participant), in id order.
  async ticketsOfContact(m: EntityManager, contactIds: number[]): Promise<{ ticket: Ticket; roles: string[] }[]> {
    if (!contactIds.length) return [];
    const parts = await m.getRepository(TicketParticipant).find({ where: { contactId: In(contactIds) } });
    const asked = await m.getRepository(Ticket).find({ select: { id: true }, where: { requesterId: In(contactIds) } });
    const ids = [...new Set([...parts.map((p) => p.ticketId), ...asked.map((t) => t.id)])];
    if (!ids.length) return [];
    const tickets = await m.getRepository(Ticket).find({ where: { id: In(ids) }, order: { id: 'ASC' } });
    return tickets.map((t) => ({
      ticket: t,
      roles: [...new Set([...(contactIds.includes(t.requesterId) ? ['requester'] : []), ...parts.filter((p) => p.ticketId === t.id).map((p) => p.role)])],
    }));
  },

  async tagsOf(m: EntityManager, ticketIds: number[]): Promise<TicketTag[]> {
    if (!ticketIds.length) return [];
    return m.getRepository(TicketTag).find({ where: { ticketId: In(ticketIds) } });
  },

  async votes(m: EntityManager, contactIds: number[]): Promise<Vote[]> {
    if (!contactIds.length) return [];
    return m.getRepository(Vote).find({ where: { contactId: In(contactIds) }, order: { createdAt: 'ASC' } });
  },

  async flags(m: EntityManager, contactIds: number[]): Promise<Flag[]> {
    if (!contactIds.length) return [];
    return m.getRepository(Flag).find({ where: { contactId: In(contactIds) }, order: { id: 'ASC' } });
  },

  async csatSurveys(m: EntityManager, contactIds: number[]): Promise<CsatSurvey[]> {
    if (!contactIds.length) return [];
    return m.getRepository(CsatSurvey).find({ where: { contactId: In(contactIds) }, order: { id: 'ASC' } });
  },

  // Sign-in sessions (their secret is only ever stored hashed; the hash is not exported).
  async sessions(m: EntityManager, contactIds: number[]): Promise<Pick<Session, 'createdAt' | 'expiresAt'>[]> {
    if (!contactIds.length) return [];
    return m.getRepository(Session).find({ select: { createdAt: true, expiresAt: true }, where: { contactId: In(contactIds) }, order: { createdAt: 'ASC' } });
  },

  // One-time links sent to these addresses (sign-in links name the address they went to).
  async oneTimeTokens(m: EntityManager, addresses: string[]): Promise<Pick<OneTimeToken, 'purpose' | 'subject' | 'createdAt' | 'expiresAt' | 'usedAt'>[]> {
    if (!addresses.length) return [];
    return m.getRepository(OneTimeToken).find({ select: { purpose: true, subject: true, createdAt: true, expiresAt: true, usedAt: true }, where: { subject: In(addresses) }, order: { createdAt: 'ASC' } });
  },
};
