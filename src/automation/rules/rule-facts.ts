import type { EntityManager } from 'typeorm';
import type { Identity, Message, Ticket } from '../../db/entities';
import { businessCalendarRepository } from '../../db/repositories/business-calendar.repository';
import { contactRepository } from '../../db/repositories/contact.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import type { BusinessCalendar } from '../business-time';
import { detectLanguage } from './language';

// What a rule's conditions read about one ticket at one moment. The ticket (and, from a sweep,
// its tags) come in loaded; the requester, calendar and language are read only when a condition
// asks, so a rule on channel or tags costs no extra query.
export class RuleFacts {
  private requester?: Promise<{ name: string; reputation: number; identities: Identity[] }>;
  private calendar?: Promise<BusinessCalendar | null>;
  private lang?: string | null;

  constructor(
    readonly m: EntityManager,
    readonly ticket: Ticket,
    readonly tags: Set<string>,
    // The customer message that triggered the rule (or opened the ticket), if any.
    readonly message: Message | null,
    // When the trigger fired: business-hours conditions are judged at this moment.
    readonly at: number,
  ) {}

  static async load(m: EntityManager, ticket: Ticket, message: Message | null, at: number, tags?: string[]): Promise<RuleFacts> {
    const t = tags ?? (await ticketRepository.tagsOf(m, [ticket.id])).get(ticket.id) ?? [];
    return new RuleFacts(m, ticket, new Set(t), message, at);
  }

  text(): string {
    return this.message?.text ?? '';
  }

  channel(): string {
    return this.message?.channel ?? this.ticket.channel;
  }

  language(): string | null {
    if (this.lang === undefined) this.lang = detectLanguage(`${this.ticket.subject}\n${this.text()}`);
    return this.lang;
  }

  person() {
    this.requester ??= (async () => {
      // In order: a rule pass reads inside its transaction, one query at a time on its connection.
      const c = await contactRepository.findById(this.m, this.ticket.requesterId);
      const identities = await contactRepository.identitiesOf(this.m, [this.ticket.requesterId]);
      return { name: c?.name ?? '', reputation: c?.reputation ?? 0, identities };
    })();
    return this.requester;
  }

  businessCalendar() {
    this.calendar ??= businessCalendarRepository.forTicket(this.m, this.ticket);
    return this.calendar;
  }
}
