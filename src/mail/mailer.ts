import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import type { Config } from '../config';
import type { Logger } from '../logger';

// The one outgoing mail transport. Without SMTP_URL mail is rendered and logged, not sent, so a
// fresh Chorus works; deliveries still show as sent in that case, and the log says where.
export class Mailer {
  readonly transport: Transporter;
  readonly configured: boolean;
  private templates = new Map<string, Handlebars.TemplateDelegate>();

  constructor(private config: Config, private logger: Logger, private viewsDir: string) {
    this.configured = !!config.SMTP_URL;
    // nodemailer waits up to 2 minutes to connect and 10 minutes on a silent socket by default: a
    // relay that accepts and never answers would hold a send that long. Values in SMTP_URL's query win.
    const timeout = config.CHORUS_SEND_TIMEOUT_MS;
    this.transport = config.SMTP_URL
      ? nodemailer.createTransport({ url: config.SMTP_URL, connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout } as Parameters<typeof nodemailer.createTransport>[0])
      : nodemailer.createTransport({ jsonTransport: true });
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
    if (!this.configured) this.logger.info({ to: mail.to, subject: mail.subject }, 'SMTP_URL is not set: e-mail rendered but not sent');
    return { messageId: info.messageId };
  }

  private template(file: string): Handlebars.TemplateDelegate {
    let t = this.templates.get(file);
    if (!t) {
      t = Handlebars.compile(fs.readFileSync(path.join(this.viewsDir, 'emails', file), 'utf8'), { noEscape: file.endsWith('.txt.hbs') });
      this.templates.set(file, t);
    }
    return t;
  }
}
