import { randomBytes } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { SendMailOptions } from 'nodemailer';
import type { Inbox, Message, OutboxItem, Ticket } from '../../db/entities';
import { loadBrand } from '../../branding/branding';
import { customerLocale } from '../../i18n/customer-locale';
import { blobRepository } from '../../db/repositories/blob.repository';
import { contactRepository } from '../../db/repositories/contact.repository';
import { inboxRepository } from '../../db/repositories/inbox.repository';
import { messageRepository } from '../../db/repositories/message.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import { signReplyToken } from '../../mail/reply-token';
import type { Mailer } from '../../mail/mailer';
import type { OutboxPlan } from '../../outbox/outbound-router';
import { PermanentDeliveryError } from '../../outbox/retry-policy';
import type { Services } from '../../services';

const emailOf = async (m: EntityManager, contactId: number) =>
  (await contactRepository.identitiesOf(m, [contactId])).find((i) => i.kind === 'email')?.value ?? null;

// Who gets an agent's reply by e-mail: on e-mail tickets the requester and CC'd people; on web and
// API tickets the requester when we know their address (with a link back to the thread).
export async function planEmailReply(m: EntityManager, ticket: Ticket, message: Message): Promise<OutboxPlan[]> {
  if (!['email', 'webform', 'api'].includes(ticket.channel)) return [];
  const to = await emailOf(m, ticket.requesterId);
  if (!to) return [];
  const cc: string[] = [];
  if (ticket.channel === 'email') {
    for (const p of await ticketRepository.participants(m, ticket.id)) {
      if (p.contactId === ticket.requesterId) continue;
      const addr = await emailOf(m, p.contactId);
      if (addr) cc.push(addr);
    }
  }
  return [{ kind: 'email', payload: { to, cc, linkBack: ticket.channel !== 'email' } }];
}

// The agent reply exactly as the sender hands it to the mailer. A ticket export rebuilds sent
// mail with it (the relay's copy is not kept), so what is exported is what this code sends.
export async function composeAgentReply(s: Services, mailer: Mailer, a: { message: Message; ticket: Ticket; inbox: Inbox | null; payload: Record<string, any>; messageId: string }): Promise<SendMailOptions> {
  const { message, ticket, inbox, payload, messageId } = a;
  const m = s.db.m;
  const thread = (await messageRepository.listByTicket(m, ticket.id)).filter((x) => x.id < message.id && x.emailMessageId && x.audience !== 'staff');
  const references = thread.map((x) => x.emailMessageId!).slice(-20);
  const replyAddress = inbox?.address ? inbox.address.replace('@', `+${signReplyToken(s.config.secret, ticket.id)}@`) : undefined;
  const agentName = message.authorAgentId ? (await s.db.m.query(`SELECT name FROM agents WHERE id = ${Number(message.authorAgentId)}`))[0]?.name : null;
  const data = {
    text: message.text, html: message.html, agentName: agentName ?? 'Support', ticketNumber: ticket.id, subject: ticket.subject,
    threadUrl: `${s.config.publicUrl}/t/${ticket.id}`, linkBack: !!payload.linkBack, brand: await loadBrand(s),
    locale: (await customerLocale(m, ticket.requesterId, { ticketId: ticket.id })).locale,
  };
  const body = mailer.render('agent-reply', data);
  const files = await messageRepository.attachmentsOf(m, [message.id]);
  const attachments = [];
  for (const f of files) attachments.push({ filename: f.filename, contentType: f.contentType, content: (await blobRepository.get(m, f.sha256)) ?? Buffer.alloc(0) });
  const subject = `${/^re:/i.test(ticket.subject) ? '' : 'Re: '}${ticket.subject} [#${ticket.id}]`;
  return {
    from: inbox?.address ? { name: `${data.agentName} (${inbox.name})`, address: inbox.address } : mailer.defaultFrom,
    to: String(payload.to),
    cc: (payload.cc as string[]) ?? [],
    replyTo: replyAddress,
    subject,
    messageId,
    inReplyTo: references.at(-1),
    references,
    html: body.html,
    text: body.text,
    attachments,
    headers: { 'X-Chorus-Ticket': String(ticket.id) },
  };
}

function domainOf(address: string | null, publicUrl: string): string {
  return address?.split('@')[1] ?? new URL(publicUrl).hostname;
}

export function emailReplySender(s: Services, mailer: Mailer) {
  return async (item: OutboxItem, signal?: AbortSignal) => {
    const m = s.db.m;
    const message = await messageRepository.findById(m, item.messageId!);
    const ticket = message && (await ticketRepository.findById(m, message.ticketId));
    if (!message || !ticket) throw new PermanentDeliveryError('The message or its ticket no longer exists.');
    if (message.audience === 'staff') throw new PermanentDeliveryError('Staff notes are never e-mailed.');
    const inbox = await inboxRepository.findById(m, ticket.inboxId);
    const domain = domainOf(inbox?.address ?? null, s.config.publicUrl);
    // Our Message-ID is stored before sending, so the customer's reply threads even if the send's
    // answer is lost.
    let messageId = message.emailMessageId;
    if (!messageId) {
      messageId = `<chorus.m${message.id}.${randomBytes(6).toString('hex')}@${domain}>`;
      await s.db.write((w) => messageRepository.update(w, message.id, { emailMessageId: messageId }));
    }
    const mail = await composeAgentReply(s, mailer, { message, ticket, inbox, payload: item.payload ?? {}, messageId });
    try {
      await mailer.send(mail, signal);
    } catch (err) {
      throw smtpError(err);
    }
    return { externalId: messageId };
  };
}

// Other parts of Chorus (sign-in links, web-form receipts) enqueue { to, subject, template, data }.
export function notificationEmailSender(s: Services, mailer: Mailer) {
  return async (item: OutboxItem, signal?: AbortSignal) => {
    const p = item.payload as { to?: string; subject?: string; template?: string; data?: Record<string, unknown> } | null;
    if (!p?.to || !p.subject || !p.template || !/^[a-z0-9-]+$/.test(p.template)) throw new PermanentDeliveryError('The notification is incomplete (to, subject, template).');
    const body = mailer.render(p.template, { ...(p.data ?? {}), brand: await loadBrand(s) });
    try {
      const r = await mailer.send({ from: mailer.defaultFrom, to: p.to, subject: p.subject, html: body.html, text: body.text, headers: { 'Auto-Submitted': 'auto-generated' } }, signal);
      return { externalId: r.messageId };
    } catch (err) {
      throw smtpError(err);
    }
  };
}

function smtpError(err: unknown): Error {
  const e = err as { responseCode?: number; response?: string; message?: string };
  if (e.responseCode && e.responseCode >= 500) return new PermanentDeliveryError(`The mail server refused the message: ${e.response ?? e.message}`);
  return new Error(`The mail server could not be reached or deferred the message: ${e.response ?? e.message}`);
}
