import { mailPreviewRepository } from '../db/repositories/mail-preview.repository';
import type { MailKeeper } from '../mail/mailer';
import type { Services } from '../services';

// Stored in the database, not on one node's disk, so every node's admin page shows every mail.
export function mailPreviewKeeper(s: Services): MailKeeper {
  return async ({ raw, recipients, subject, messageId }) => {
    const id = await s.db.write((m) => mailPreviewRepository.insert(m, {
      recipients: recipients.join(', '), subject, messageId, raw: raw.toString('latin1'), createdAt: s.now(),
    }));
    return `${s.config.publicUrl}/admin/mail-preview/${id}`;
  };
}
