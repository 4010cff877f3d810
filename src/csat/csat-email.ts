import { randomBytes } from 'node:crypto';
import { loadBrand } from '../branding/branding';
import { translate } from '../i18n/i18n';
import { customerLocale } from '../i18n/customer-locale';
import { mailers } from '../channels/email/email.module';
import type { OutboxItem } from '../db/entities';
import { agentRepository } from '../db/repositories/agent.repository';
import { csatSurveyRepository } from '../db/repositories/csat-survey.repository';
import { inboxRepository } from '../db/repositories/inbox.repository';
import { ticketRepository } from '../db/repositories/ticket.repository';
import { signReplyToken } from '../mail/reply-token';
import { PermanentDeliveryError } from '../outbox/retry-policy';
import type { Services } from '../services';
import { surveyLinks } from './csat-links';

// The survey e-mail, rendered when it leaves (links are signed then), in the ticket's thread.
export function csatEmailSender(s: Services) {
  return async (item: OutboxItem, signal?: AbortSignal) => {
    const mailer = mailers.get(s);
    if (!mailer) throw new PermanentDeliveryError('E-mail is not set up on this node.');
    const survey = await csatSurveyRepository.findById(s.db.m, Number(item.payload?.surveyId));
    const t = survey && (await ticketRepository.findById(s.db.m, survey.ticketId));
    if (!survey || !t || survey.state !== 'sent' || survey.expiresAt === null) throw new PermanentDeliveryError('The survey or its ticket no longer exists.');
    const inbox = await inboxRepository.findById(s.db.m, t.inboxId);
    const agent = survey.agentId ? await agentRepository.findById(s.db.m, survey.agentId) : null;
    const { locale } = await customerLocale(s.db.m, t.requesterId, { ticketId: t.id });
    const body = mailer.render('csat-request', {
      locale,
      ticketNumber: t.id, subject: t.subject, agentName: agent?.name ?? null, links: surveyLinks(s.config, survey),
      days: Math.round((survey.expiresAt - (survey.sentAt ?? s.now())) / 86_400_000), brand: await loadBrand(s),
    });
    const inReplyTo = (item.payload?.inReplyTo as string | null) ?? undefined;
    const domain = inbox?.address?.split('@')[1] ?? new URL(s.config.publicUrl).hostname;
    try {
      const r = await mailer.send({
        from: inbox?.address ? { name: inbox.name, address: inbox.address } : mailer.defaultFrom,
        to: String(item.payload!.to),
        replyTo: inbox?.address ? inbox.address.replace('@', `+${signReplyToken(s.config.secret, t.id)}@`) : undefined,
        subject: translate(locale, 'csat.mailSubject', { id: t.id, subject: t.subject }), inReplyTo, references: inReplyTo ? [inReplyTo] : undefined,
        messageId: `<chorus.csat${survey.id}.${randomBytes(6).toString('hex')}@${domain}>`,
        // Automatic mail says so (RFC 3834), so auto-responders do not answer it.
        headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All', 'X-Chorus-Ticket': String(t.id) },
        html: body.html, text: body.text,
      }, signal);
      return { externalId: r.messageId };
    } catch (err) {
      const e = err as { responseCode?: number; response?: string; message?: string };
      if (e.responseCode && e.responseCode >= 500) throw new PermanentDeliveryError(`The mail server refused the survey: ${e.response ?? e.message}`);
      throw err;
    }
  };
}
