import { contactRepository } from '../../db/repositories/contact.repository';
import type { Db } from '../../db/transaction';
import { NotFoundError, ValidationError } from '../../errors';
import { LOCALES, supportedLocale } from '../../i18n/locale';

// An agent's choice of the language a customer is written to in; null hands it back to the
// automatic choice (browser, last message).
export async function setContactLanguage(db: Db, contactId: number, language: string | null): Promise<string | null> {
  const locale = language === null || language === '' ? null : supportedLocale(language);
  if (language && !locale) throw new ValidationError(`Invalid body field language: choose one of ${LOCALES.join(', ')}`, { fields: { language: [`Choose one of ${LOCALES.join(', ')}, or null for automatic.`] } });
  await db.write(async (m) => {
    if (!(await contactRepository.findById(m, contactId))) throw new NotFoundError('Contact');
    await contactRepository.update(m, contactId, { language: locale });
  });
  return locale;
}
