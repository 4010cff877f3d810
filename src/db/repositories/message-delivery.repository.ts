import type { EntityManager } from 'typeorm';
import { Attachment, Contact, Message, ThreadLink, Ticket } from '../entities';

// What live delivery needs to check and present a batch of messages: each message, the ticket
// it is on now, its attachments, its thread link and its contact author (the few columns a
// message shows of them), read in one joined statement instead of one per kind.
export interface MessagesForDelivery {
  messages: Message[];
  tickets: Map<number, Ticket>;
  attachments: Attachment[];
  links: ThreadLink[];
  contacts: Contact[];
}

// Where the joined rows are mapped on each message before they are taken off it again.
type Joined = Message & { __ticket?: Ticket | null; __files?: Attachment[]; __links?: ThreadLink[]; __author?: Contact | null };

export const messageDeliveryRepository = {
  async loadForDelivery(m: EntityManager, messageIds: number[]): Promise<MessagesForDelivery> {
    const out: MessagesForDelivery = { messages: [], tickets: new Map(), attachments: [], links: [], contacts: [] };
    if (!messageIds.length) return out;
    const rows = (await m.getRepository(Message).createQueryBuilder('msg')
      .leftJoinAndMapOne('msg.__ticket', Ticket, 't', 't.id = msg.ticket_id')
      .leftJoinAndMapMany('msg.__files', Attachment, 'a', 'a.message_id = msg.id')
      .leftJoinAndMapMany('msg.__links', ThreadLink, 'l', 'l.message_id = msg.id')
      .leftJoinAndMapOne('msg.__author', Contact, 'c', 'c.id = msg.author_contact_id')
      // Of the author, only what a presented message shows (never the staff's notes on them).
      .select(['msg', 't', 'a', 'l', 'c.id', 'c.name', 'c.reputation', 'c.displayName', 'c.avatarColor'])
      .where('msg.id IN (:...ids)', { ids: [...new Set(messageIds)] })
      .orderBy('msg.id').addOrderBy('a.id').addOrderBy('l.id')
      .getMany()) as Joined[];
    const contacts = new Map<number, Contact>();
    for (const row of rows) {
      const { __ticket, __files, __links, __author, ...msg } = row;
      out.messages.push(Object.assign(new Message(), msg));
      if (__ticket) out.tickets.set(__ticket.id, __ticket);
      out.attachments.push(...(__files ?? []));
      out.links.push(...(__links ?? []));
      if (__author) contacts.set(__author.id, __author);
    }
    out.contacts = [...contacts.values()];
    return out;
  },
};
