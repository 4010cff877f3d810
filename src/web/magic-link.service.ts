import { safeNext as safeNextPath } from '../http/page-security';
import { hashToken, newToken } from '../auth/secrets';
import { contactRepository } from '../db/repositories/contact.repository';
import { outboxRepository } from '../db/repositories/outbox.repository';
import { sessionRepository } from '../db/repositories/session.repository';
import { translate } from '../i18n/i18n';
import { supportedLocale } from '../i18n/locale';
import type { Services } from '../services';

export const MAGIC_PURPOSE = 'customer-signin';
const MAGIC_TTL = 20 * 60_000;

// Only our own paths: an open redirect in a sign-in link would be a phishing gift.
export const safeNext = (next: unknown): string => safeNextPath(next, '/my');

// Sends a sign-in link to any well-formed address, known or not: the answer and the work are
// the same either way, so the form reveals nothing about who has an account. The contact is
// made (or found) only when the link is used, which proves the address.
// `locale`: the language of the page the link was asked from.
export async function sendMagicLink(s: Services, email: string, next: string, locale?: string): Promise<void> {
  const token = newToken();
  const now = s.now();
  const address = email.trim().toLowerCase();
  const url = `${s.config.publicUrl}/signin/link?token=${token}&next=${encodeURIComponent(safeNext(next))}`;
  await s.db.transaction(async ({ m }) => {
    await sessionRepository.insertOneTime(m, { tokenHash: hashToken(token), purpose: MAGIC_PURPOSE, subject: address, expiresAt: now + MAGIC_TTL, usedAt: null, createdAt: now });
    await outboxRepository.enqueue(m, {
      kind: 'notification.email', messageId: null, ticketId: null, inboxId: null,
      payload: { to: address, subject: translate(locale, 'mail.signinSubject'), template: 'magic-link', data: { url, minutes: MAGIC_TTL / 60_000, locale: supportedLocale(locale) ?? 'en' } },
    }, now);
  });
}

// Uses the token once; answers the signed-in contact, whose e-mail identity is now verified.
export async function consumeMagicLink(s: Services, token: string): Promise<number | null> {
  const now = s.now();
  return s.db.transaction(async ({ m }) => {
    const used = await sessionRepository.consumeOneTime(m, hashToken(token), MAGIC_PURPOSE, now);
    if (!used?.subject) return null;
    const identity = await contactRepository.findIdentity(m, 'email', used.subject);
    if (identity) {
      if (!identity.verified) await contactRepository.refreshIdentity(m, identity.id, { verified: true });
      const contact = await contactRepository.findById(m, identity.contactId);
      return contact?.mergedIntoId ?? identity.contactId;
    }
    const contactId = await contactRepository.create(m, used.subject.split('@')[0], now);
    await contactRepository.addIdentity(m, contactId, { kind: 'email', value: used.subject, verified: true }, now);
    return contactId;
  });
}

// Whether the person a sign-in link is for has yet to choose a public name (a new address has
// not). Reads the token without using it; an unusable token answers false.
export async function linkNeedsPublicName(s: Services, token: string): Promise<boolean> {
  const t = await sessionRepository.peekOneTime(s.db.m, hashToken(token), MAGIC_PURPOSE, s.now());
  if (!t?.subject) return false;
  const identity = await contactRepository.findIdentity(s.db.m, 'email', t.subject);
  if (!identity) return true;
  const contact = await contactRepository.findById(s.db.m, identity.contactId);
  const own = contact?.mergedIntoId ? await contactRepository.findById(s.db.m, contact.mergedIntoId) : contact;
  return !own?.displayName;
}
