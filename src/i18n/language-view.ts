import type { EntityManager } from 'typeorm';
import type { Contact } from '../db/entities';
import { customerLocale } from './customer-locale';
import { translate } from './i18n';
import { LOCALE_NAMES, LOCALES } from './locale';

// What an agent sees of a customer's language (on the contact page and in the ticket sidebar):
// the language pages and e-mails go out in, why, and the choices to override it. Words from
// the catalogues in the language the agent's page is in.
export async function customerLanguageView(m: EntityManager, c: Pick<Contact, 'id' | 'language'>, ticketId: number | null, agentLocale = 'en') {
  const lang = await customerLocale(m, c.id, ticketId ? { ticketId } : {});
  return {
    effective: LOCALE_NAMES[lang.locale],
    why: translate(agentLocale, `language.why.${lang.source}`),
    options: [{ value: '', label: translate(agentLocale, 'language.auto'), selected: !c.language }, ...LOCALES.map((l) => ({ value: l, label: LOCALE_NAMES[l], selected: c.language === l }))],
  };
}
