import path from 'node:path';
import { z } from 'zod';
import { ROOT } from '../../paths';
import { inboundItemRepository } from '../../db/repositories/inbound-item.repository';
import { inboxRepository } from '../../db/repositories/inbox.repository';
import { messageRepository } from '../../db/repositories/message.repository';
import { NotFoundError, ValidationError } from '../../errors';
import { defineRoute } from '../../http/route';
import { Mailer } from '../../mail/mailer';
import { mailPreviewKeeper } from '../../mail-preview/keep-preview';
import type { ChorusModule } from '../../module';
import { ticketPolicy } from '../../policies/ticket.policy';
import type { Services } from '../../services';
import { registerChannelSettings } from '../channel-settings';
import { autoAckSender, startAutoAck } from './auto-ack';
import { EMAIL_RAW_TYPE, emailIdempotencyKey } from './email-key';
import { emailReplySender, notificationEmailSender, planEmailReply } from './email-outbound';
import { imapSettingsSchema } from './imap/imap-settings';
import { parseEmail } from './parse-email';
import { createSmtpListener } from './smtp-listener';

registerChannelSettings('email', z.object({
  aliases: z.array(z.email()).optional().describe('Other addresses that deliver into this inbox'),
  autoAck: z.object({ enabled: z.boolean(), windowHours: z.number().min(1).max(24 * 30).default(24) }).optional().describe('Acknowledge new tickets, at most once per recipient per window'),
  imap: imapSettingsSchema.optional(),
}));

// The one mailer of a running Chorus, for features that send their own e-mails (CSAT surveys).
export const mailers = new WeakMap<Services, Mailer>();

// Where the SMTP listener of a running Chorus is bound (tests use port 0).
export const smtpPorts = new WeakMap<Services, number>();

export const emailModule: ChorusModule = {
  name: 'email',
  register(s) {
    s.parsers.register({ channels: ['email'], parsers: { [EMAIL_RAW_TYPE]: parseEmail } });
    const mailer = new Mailer(s.config, s.logger, path.join(ROOT, 'views'), mailPreviewKeeper(s));
    mailers.set(s, mailer);
    s.outbound.register(planEmailReply);
    s.outbox.register('email', emailReplySender(s, mailer));
    s.outbox.register('notification.email', notificationEmailSender(s, mailer));
    s.outbox.register('email.auto-ack', autoAckSender(s, mailer));
    startAutoAck(s);
  },
  routes(r, s) {
    // For an MTA pipe or a provider's inbound webhook: the raw RFC 5322 message as the body.
    defineRoute(r, s, {
      method: 'post', path: '/api/inboxes/:id/raw-email', tag: 'channels', summary: 'Deliver a raw RFC 5322 message into an e-mail inbox (token-authenticated)',
      params: z.object({ id: z.coerce.number().int().positive() }),
      rawBody: true,
      rawBodyAs: 'bytes',
      authorize: ticketPolicy.act,
      status: 202,
      handler: async ({ params, rawBody, res }) => {
        const inbox = await inboxRepository.findById(s.db.m, params.id);
        if (!inbox || inbox.channel !== 'email') throw new NotFoundError('E-mail inbox');
        const raw = rawBody ?? Buffer.alloc(0);
        if (!raw.length) throw new ValidationError('The body must be the raw RFC 5322 message.');
        const [result] = await s.ingest.ingest(inbox, [{ key: emailIdempotencyKey(raw), raw: raw.toString('latin1'), rawType: EMAIL_RAW_TYPE }]);
        res.status(result.duplicate ? 200 : 202);
        return result;
      },
    });

    // The original as received (any channel), for export or a closer look: agents only.
    defineRoute(r, s, {
      method: 'get', path: '/api/messages/:id/raw', tag: 'channels', summary: 'The raw item a message was made from (e.g. the .eml)',
      params: z.object({ id: z.coerce.number().int().positive() }),
      authorize: ticketPolicy.act,
      handler: async ({ params, res }) => {
        const msg = await messageRepository.findById(s.db.m, params.id);
        const item = msg?.inboundItemId ? await inboundItemRepository.findById(s.db.m, msg.inboundItemId) : null;
        if (!item) throw new NotFoundError('Raw original');
        const isMail = item.rawType === EMAIL_RAW_TYPE;
        res.setHeader('Content-Type', isMail ? 'message/rfc822' : 'application/json; charset=utf-8');
        res.setHeader('Content-Disposition', `attachment; filename="message-${msg!.id}.${isMail ? 'eml' : 'json'}"`);
        res.end(Buffer.from(item.raw, isMail ? 'latin1' : 'utf8'));
        return undefined;
      },
    });
  },
  async start(s) {
    if (!s.config.CHORUS_SMTP_ENABLED) return;
    const server = createSmtpListener(s);
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(s.config.CHORUS_SMTP_PORT, s.config.HOST, () => resolve());
    });
    const port = (server.server.address() as { port: number }).port;
    smtpPorts.set(s, port);
    s.logger.info({ port }, 'SMTP listener ready');
    return () => new Promise<void>((r) => server.close(() => r()));
  },
};
