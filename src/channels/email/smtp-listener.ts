import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import type { Inbox } from '../../db/entities';
import { inboxRepository } from '../../db/repositories/inbox.repository';
import type { Services } from '../../services';
import { unfinished, type Recorded } from '../../ingest/steps/010-record';
import { EMAIL_RAW_TYPE, emailIdempotencyKey } from './email-key';

// Inbound SMTP: mail for our inbox addresses (and their +tag forms) only, refused at RCPT for
// anything else; 250 only once the ledger row is committed.
export async function findInboxForAddress(s: Services, address: string): Promise<Inbox | null> {
  const a = address.toLowerCase();
  const base = a.replace(/\+[^@]*@/, '@');
  const inboxes = await inboxRepository.listByChannel(s.db.m, 'email');
  return inboxes.find((i) => i.address === a || i.address === base || ((i.settings?.aliases as string[] | undefined) ?? []).map((x) => x.toLowerCase()).includes(base)) ?? null;
}

// The reverse path (MAIL FROM) exists only in the SMTP conversation; written into the stored mail
// as its topmost field so the parser sees it on every replay (a fallback author, RFC 3834's empty
// return path of automatic mail).
export function withEnvelopeSender(raw: Buffer, mailFrom: { address: string } | false | undefined): Buffer {
  if (!mailFrom) return raw;
  const address = mailFrom.address.replace(/[\r\n<>]/g, '');
  const eol = raw.indexOf('\r\n') >= 0 || raw.indexOf('\n') < 0 ? '\r\n' : '\n';
  return Buffer.concat([Buffer.from(`X-Chorus-Envelope-From: <${address}>${eol}`, 'latin1'), raw]);
}

export function createSmtpListener(s: Services): SMTPServer {
  const limit = s.config.CHORUS_SMTP_MAX_BYTES;
  const server = new SMTPServer({
    banner: 'Chorus',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: limit,
    logger: false,
    async onRcptTo(address: SMTPServerAddress, _session, callback) {
      try {
        const inbox = await findInboxForAddress(s, address.address);
        if (!inbox) return callback(Object.assign(new Error(`No mailbox here by that name: ${address.address}`), { responseCode: 550 }));
        callback();
      } catch (err) {
        callback(Object.assign(new Error('Temporary failure, try again later'), { responseCode: 451 }));
        s.logger.error({ err }, 'SMTP RCPT lookup failed');
      }
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
          return callback(Object.assign(new Error(`Message too large: the limit is ${limit} bytes`), { responseCode: 552 }));
        }
        const raw = withEnvelopeSender(Buffer.concat(chunks), session.envelope.mailFrom);
        try {
          const seen = new Set<number>();
          const recorded: [Recorded, Inbox][] = [];
          for (const rcpt of session.envelope.rcptTo) {
            const inbox = await findInboxForAddress(s, rcpt.address);
            if (!inbox || seen.has(inbox.id)) continue;
            seen.add(inbox.id);
            // Born claimed by this node, in the ledger's commit: processed next without a claim write.
            const [r] = await s.ingest.record(inbox, [{ key: emailIdempotencyKey(raw), raw: raw.toString('latin1'), rawType: EMAIL_RAW_TYPE }], { claim: true });
            if (r.claimed || unfinished(r)) recorded.push([r, inbox]);
          }
          callback(null, 'Queued in Chorus');
          // A crash from here on is picked up by the recovery sweep.
          for (const [r, inbox] of recorded) void s.ingest.processRecordedItem(r, inbox).catch((err) => s.logger.warn({ err, itemId: r.id }, 'SMTP item could not be processed now; the recovery sweep retries it'));
        } catch (err) {
          s.logger.error({ err }, 'SMTP ingest could not record the message');
          callback(Object.assign(new Error('Temporary failure storing the message, try again later'), { responseCode: 451 }));
        }
      });
    },
  });
  server.on('error', (err) => s.logger.warn({ err }, 'SMTP listener error'));
  return server;
}
