import type { EntityManager } from 'typeorm';
import { detectLanguage } from '../automation/rules/language';
import { contactRepository } from '../db/repositories/contact.repository';
import { messageRepository } from '../db/repositories/message.repository';
import { DEFAULT_LOCALE, fromAcceptLanguage, supportedLocale, type Locale } from './locale';

export type LocaleSource = 'agent' | 'browser' | 'message' | 'default';

// The language a customer is addressed in, in this order: what an agent set on the contact, what
// their browser asks for (pages, and mails sent from a page), the language of their last message
// (guessed from its words, src/automation/rules/language.ts), else English.
export async function customerLocale(m: EntityManager, contactId: number | null, opts: { acceptLanguage?: string | null; ticketId?: number } = {}): Promise<{ locale: Locale; source: LocaleSource }> {
  const contact = contactId ? await contactRepository.findById(m, contactId) : null;
  const set = supportedLocale(contact?.language);
  if (set) return { locale: set, source: 'agent' };
  const browser = fromAcceptLanguage(opts.acceptLanguage);
  if (browser) return { locale: browser, source: 'browser' };
  if (contactId && opts.ticketId) {
    const last = (await messageRepository.listByTicket(m, opts.ticketId)).filter((x) => x.authorContactId === contactId && x.direction === 'inbound').at(-1);
    const guessed = supportedLocale(last ? detectLanguage(last.text ?? '') : null);
    if (guessed) return { locale: guessed, source: 'message' };
  }
  return { locale: DEFAULT_LOCALE, source: 'default' };
}
