import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import type { Config } from '../config';
import { handlebarsHelpers } from '../http/view-helpers';
import type { Logger } from '../logger';

// Keeps a message that could not be sent because no relay is configured; answers where to see it.
export type MailKeeper = (mail: { raw: Buffer; recipients: string[]; subject: string; messageId: string | null }) => Promise<string>;

// The one outgoing mail transport. Without SMTP_URL mail is built exactly as it would be sent and
// handed to the keeper (the admins' mail preview, src/mail-preview/), so a fresh Chorus works —
// a newcomer can sign in as a customer; deliveries show as sent, and the log names the preview.
export class Mailer {
  readonly transport: Transporter;
  readonly configured: boolean;
  private templates = new Map<string, Handlebars.TemplateDelegate>();
  // Its own Handlebars, with the page helpers and the e-mail partials (views/emails/partials/).
  private hb = Handlebars.create();

  constructor(private config: Config, private logger: Logger, private viewsDir: string, private keep?: MailKeeper) {
    this.configured = !!config.SMTP_URL;
    // nodemailer waits up to 2 minutes to connect and 10 minutes on a silent socket by default: a
    // relay that accepts and never answers would hold a send that long. Values in SMTP_URL's query win.
    const timeout = config.CHORUS_SEND_TIMEOUT_MS;
    this.transport = config.SMTP_URL
      ? nodemailer.createTransport({ url: config.SMTP_URL, connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout } as Parameters<typeof nodemailer.createTransport>[0])
      : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
    this.hb.registerHelper(handlebarsHelpers);
    const partials = path.join(viewsDir, 'emails', 'partials');
    if (fs.existsSync(partials)) for (const f of fs.readdirSync(partials).filter((n) => n.endsWith('.hbs'))) this.hb.registerPartial(f.replace(/\.hbs$/, ''), fs.readFileSync(path.join(partials, f), 'utf8'));
  }

  get defaultFrom(): string {
    return this.config.CHORUS_MAIL_FROM ?? `Chorus <no-reply@${new URL(this.config.publicUrl).hostname}>`;
  }

  // Every e-mail is an .hbs template with a .txt.hbs twin in views/emails/. The text part is not
  // HTML, so it is rendered without HTML escaping (an escaped `&amp;` breaks a sign-in link).
  render(name: string, data: unknown): { html: string; text: string } {
    return { html: this.template(`${name}.hbs`)(data), text: this.template(`${name}.txt.hbs`)(data) };
  }

  // `signal` ends the SMTP session when the outbox gives up on the send.
  async send(mail: SendMailOptions, signal?: AbortSignal): Promise<{ messageId: string }> {
    const info = await this.transport.sendMail(signal ? ({ ...mail, signal } as SendMailOptions) : mail);
    if (!this.configured) {
      const raw = Buffer.isBuffer(info.message) ? info.message : Buffer.from(String(info.message ?? ''));
      const recipients = ((info.envelope as { to?: string[] } | undefined)?.to ?? []).map(String);
      const preview = this.keep ? await this.keep({ raw, recipients, subject: String(mail.subject ?? ''), messageId: info.messageId ?? null }) : null;
      this.logger.info({ to: recipients, subject: mail.subject, preview }, preview ? `SMTP_URL is not set: e-mail kept in the mail preview, open ${preview}` : 'SMTP_URL is not set: e-mail rendered but not sent');
    }
    return { messageId: info.messageId };
  }

  private template(file: string): Handlebars.TemplateDelegate {
    let t = this.templates.get(file);
    if (!t) {
      t = this.hb.compile(fs.readFileSync(path.join(this.viewsDir, 'emails', file), 'utf8'), { noEscape: file.endsWith('.txt.hbs') });
      this.templates.set(file, t);
    }
    return t;
  }
}
