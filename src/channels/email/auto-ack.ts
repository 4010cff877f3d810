import { customerLocale } from '../../i18n/customer-locale';
import { randomBytes } from 'node:crypto';
import { loadBrand } from '../../branding/branding';
import type { Inbox, OutboxItem } from '../../db/entities';
import { contactRepository } from '../../db/repositories/contact.repository';
import { inboxRepository } from '../../db/repositories/inbox.repository';
import { messageRepository } from '../../db/repositories/message.repository';
import { autoAckSentSince, outboxRepository } from '../../db/repositories/outbox.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import type { Mailer } from '../../mail/mailer';
import { signReplyToken } from '../../mail/reply-token';
import { PermanentDeliveryError } from '../../outbox/retry-policy';
import type { Services } from '../../services';

// Optional per inbox (settings.autoAck): "we got your message" for a new e-mail ticket, at most
// once per recipient per window, never for automatic mail (that is how mail loops start) and
// never to a no-reply address.
export function startAutoAck(s: Services): void {
  s.bus.on('ticket.created', async ({ ticketId }) => {
    // With no inbox acknowledging (the node's cached list), a new ticket needs no read at all.
    if (!(await inboxRepository.some(s.db.m, (i) => !!i.address && !!autoAckOf(i)?.enabled))) return;
    const t = await ticketRepository.findRouting(s.db.m, ticketId);
    if (!t || t.channel !== 'email' || t.automatic) return;
    const inbox = await inboxRepository.findById(s.db.m, t.inboxId);
    const cfg = inbox ? autoAckOf(inbox) : undefined;
    if (!inbox?.address || !cfg?.enabled) return;
    const [first] = await messageRepository.listByTicket(s.db.m, t.id);
    // An agent's forward: the customer did not write to us, so there is nothing to acknowledge.
    if (!first || first.direction !== 'inbound' || first.flags?.noise || first.flags?.forwardedBy) return;
    // Nobody reads a no-reply mailbox; an acknowledgement there is only noise (or a loop).
    if (first.flags?.noReplySender) return;
    const to = (await contactRepository.identitiesOf(s.db.m, [t.requesterId])).find((i) => i.kind === 'email')?.value;
    if (!to) return;
    const since = s.now() - (cfg.windowHours ?? 24) * 3_600_000;
    await s.db.transaction(async (tx) => {
      if (await autoAckSentSince(tx.m, t.requesterId, since)) return;
      await outboxRepository.enqueue(tx.m, { kind: 'email.auto-ack', messageId: null, ticketId: t.id, inboxId: inbox.id, payload: { to, inReplyTo: first.emailMessageId } }, s.now());
    });
  });
}

const autoAckOf = (inbox: Inbox) => inbox.settings?.autoAck as { enabled?: boolean; windowHours?: number } | undefined;

export function autoAckSender(s: Services, mailer: Mailer) {
  return async (item: OutboxItem, signal?: AbortSignal) => {
    const t = await ticketRepository.findById(s.db.m, item.ticketId!);
    const inbox = t && (await inboxRepository.findById(s.db.m, t.inboxId));
    if (!t || !inbox?.address) throw new PermanentDeliveryError('The ticket or its inbox no longer exists.');
    // In the customer's language (an agent's choice, else their message's), src/i18n.
    const { locale } = await customerLocale(s.db.m, t.requesterId, { ticketId: t.id });
    const body = mailer.render('auto-ack', { locale, ticketNumber: t.id, subject: t.subject, inboxName: inbox.name, threadUrl: `${s.config.publicUrl}/t/${t.id}`, brand: await loadBrand(s) });
    const inReplyTo = (item.payload?.inReplyTo as string | null) ?? undefined;
    const r = await mailer.send({
      from: { name: inbox.name, address: inbox.address }, to: String(item.payload!.to),
      replyTo: inbox.address.replace('@', `+${signReplyToken(s.config.secret, t.id)}@`),
      subject: `[#${t.id}] ${t.subject}`, inReplyTo, references: inReplyTo ? [inReplyTo] : undefined,
      messageId: `<chorus.ack${t.id}.${randomBytes(6).toString('hex')}@${inbox.address.split('@')[1]}>`,
      // RFC 3834: an automatic answer says so, so well-behaved responders do not answer it.
      headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All', Precedence: 'auto_reply' },
      html: body.html, text: body.text,
    }, signal);
    return { externalId: r.messageId };
  };
}
