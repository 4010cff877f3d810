import { randomUUID } from 'node:crypto';
import { EMAIL_RAW_TYPE, emailIdempotencyKey } from '../../channels/email/email-key';
import { inboxRepository } from '../../db/repositories/inbox.repository';
import { NotFoundError } from '../../errors';
import type { Services } from '../../services';

// A first mail through the real e-mail door (ledger, threading, the ticket commands), from the
// agent's own address so the answer they write goes back to them and nobody else.
export async function sendTestMail(s: Services, agent: { name: string; email: string }): Promise<{ ticketId: number }> {
  const inbox = (await inboxRepository.list(s.db.m)).find((i) => i.channel === 'email');
  if (!inbox) throw new NotFoundError('E-mail inbox');
  const to = inbox.address ?? `support@${new URL(s.config.publicUrl).hostname}`;
  const host = new URL(s.config.publicUrl).hostname || 'chorus.local';
  const raw = [
    `From: ${agent.name.replace(/[^\p{L}\p{N} .'-]/gu, '')} <${agent.email}>`, `To: ${to}`, 'Subject: Test mail: does Chorus receive this?',
    `Message-ID: <test-${randomUUID()}@${host}>`, `Date: ${new Date(s.now()).toUTCString()}`, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', '',
    'Hello! This is a test mail sent from the getting-started card.', '',
    `It arrived in "${inbox.name}" like any mail to ${to}. Reply to it: your answer goes to ${agent.email}.`, '',
  ].join('\r\n');
  const [result] = await s.ingest.ingest(inbox, [{ key: emailIdempotencyKey(Buffer.from(raw, 'utf8')), raw: Buffer.from(raw, 'utf8').toString('latin1'), rawType: EMAIL_RAW_TYPE }]);
  if (!result?.ticketId) throw new NotFoundError('The test mail\'s ticket');
  return { ticketId: result.ticketId };
}
