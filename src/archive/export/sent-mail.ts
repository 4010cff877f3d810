import nodemailer from 'nodemailer';
import type { Inbox, Message, OutboxItem, Ticket } from '../../db/entities';
import { exportRepository } from '../../db/repositories/export.repository';
import { composeAgentReply } from '../../channels/email/email-outbound';
import { mailers } from '../../channels/email/email.module';
import type { Services } from '../../services';

// Builds like the mailer's own no-relay transport: RFC 5322 bytes with CRLF lines.
const builder = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });

export type SentMail = { bytes: Buffer; how: 'kept' | 'rebuilt' };

// An agent reply as it went out. Without a relay the mail preview kept the very bytes; with one,
// the relay's copy is not stored, so the mail is rebuilt by the code that sent it (same headers,
// Message-ID, body and files; the MIME boundaries differ and Date is the send time).
export async function sentMailOf(s: Services, a: { message: Message; ticket: Ticket; inbox: Inbox | null; item: OutboxItem }): Promise<SentMail | null> {
  const { message, item } = a;
  if (!message.emailMessageId || message.audience === 'staff') return null;
  const kept = await exportRepository.previewRawOf(s.db.m, message.emailMessageId);
  if (kept) return { bytes: Buffer.from(kept, 'utf8'), how: 'kept' };
  const mailer = mailers.get(s);
  if (!mailer) return null;
  const mail = await composeAgentReply(s, mailer, { message, ticket: a.ticket, inbox: a.inbox, payload: item.payload ?? {}, messageId: message.emailMessageId });
  const info = await builder.sendMail({ ...mail, date: new Date(item.sentAt ?? message.createdAt) });
  return { bytes: Buffer.isBuffer(info.message) ? info.message : Buffer.from(String(info.message)), how: 'rebuilt' };
}
