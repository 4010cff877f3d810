import { ticketRepository } from '../../db/repositories/ticket.repository';
import { customerLocale } from '../../i18n/customer-locale';
import { translate } from '../../i18n/i18n';
import type { Inbox } from '../../db/entities';
import { contactRepository } from '../../db/repositories/contact.repository';
import { inboxRepository } from '../../db/repositories/inbox.repository';
import { outboxRepository } from '../../db/repositories/outbox.repository';
import type { Viewer } from '../../policies/viewer';
import type { Services } from '../../services';
import { checkStamp } from './fill-stamp';
import { WEBFORM_RAW_TYPE, webformSettingsSchema, type WebformSettings, type WebformSubmission } from './webform-settings.schema';

export interface FormFile {
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface FormInput {
  // The browser's Accept-Language header, for the confirmation mail's language.
  acceptLanguage?: string | null;
  name?: string;
  email?: string;
  subject?: string;
  message?: string;
  custom: Record<string, string | undefined>;
  // The honeypot: a field people never see and bots fill in.
  website?: string;
  stamp?: string;
  files: FormFile[];
}

export type SubmitOutcome =
  | { kind: 'created'; ticketId: number; duplicate: boolean }
  | { kind: 'discarded' }
  | { kind: 'invalid'; errors: Record<string, string> };

export const HONEYPOT_FIELD = 'website';

export async function findWebform(s: Services, slug: string): Promise<{ inbox: Inbox; settings: WebformSettings } | null> {
  for (const inbox of await inboxRepository.listByChannel(s.db.m, 'webform')) {
    const parsed = webformSettingsSchema.safeParse(inbox.settings ?? {});
    if (parsed.success && parsed.data.slug === slug) return { inbox, settings: parsed.data };
  }
  return null;
}

// A signed-in customer posting the form with an address they proved by magic link.
async function ownsEmail(s: Services, viewer: Viewer | undefined, email: string): Promise<boolean> {
  if (viewer?.kind !== 'contact') return false;
  const ids = await contactRepository.identitiesOf(s.db.m, [viewer.contactId]);
  return ids.some((i) => i.kind === 'email' && i.verified && i.value.toLowerCase() === email.toLowerCase());
}

const EMAIL = /^[^\s@<>()]+@[^\s@<>()]+\.[^\s@<>()]+$/;

// Checks a submission against its form, then hands it to the ingest pipeline (ledger first),
// and queues the customer's acknowledgement e-mail with the link to the thread.
export async function submitWebform(s: Services, form: { inbox: Inbox; settings: WebformSettings }, input: FormInput, viewer?: Viewer): Promise<SubmitOutcome> {
  const { inbox, settings } = form;
  const now = s.now();
  // Bots get a quiet success so they learn nothing; nothing is stored.
  if (input.website && input.website.trim()) return { kind: 'discarded' };
  const errors: Record<string, string> = {};
  const stamp = checkStamp(s.config.secret, settings.slug, input.stamp, now, settings.minFillSeconds);
  if (!stamp.ok) errors.form = stamp.reason === 'too_fast' ? 'That was quick! Please check your message and send it again.' : 'The form expired. Please send it again.';
  const email = (input.email ?? '').trim();
  if (!EMAIL.test(email) || email.length > 254) errors.email = 'Enter the e-mail address where we can answer you.';
  const message = (input.message ?? '').trim();
  if (!message) errors.message = 'Tell us how we can help.';
  else if (message.length > 50_000) errors.message = 'The message is too long.';
  const custom: WebformSubmission['custom'] = [];
  for (const f of settings.customFields) {
    const v = (input.custom[f.name] ?? '').trim().slice(0, 2000);
    if (f.required && !v) errors[f.name] = `${f.label} is required.`;
    else if (v && f.type === 'select' && f.options && !f.options.includes(v)) errors[f.name] = `Choose one of the ${f.label} options.`;
    custom.push({ name: f.name, label: f.label, value: v });
  }
  const files = input.files.filter((f) => f.content.length > 0 && f.filename);
  const lim = settings.attachments;
  if (files.length > lim.maxFiles) errors.attachments = lim.maxFiles ? `Attach at most ${lim.maxFiles} files.` : 'This form takes no attachments.';
  for (const f of files) {
    if (f.content.length > lim.maxBytes) errors.attachments = `${f.filename} is larger than ${Math.round(lim.maxBytes / 1024)} KB.`;
    else if (!lim.allowedTypes.includes(f.contentType.split(';')[0].trim().toLowerCase())) errors.attachments = `${f.filename}: this file type is not accepted.`;
  }
  if (Object.keys(errors).length || !stamp.ok) return { kind: 'invalid', errors };

  const submission: WebformSubmission = {
    submissionId: stamp.nonce,
    name: (input.name ?? '').trim().slice(0, 200),
    email,
    subject: settings.askSubject ? (input.subject ?? '').trim().slice(0, 250) : '',
    message,
    custom,
    attachments: files.map((f) => ({ filename: f.filename.slice(0, 255), contentType: f.contentType.split(';')[0].trim().toLowerCase(), contentBase64: f.content.toString('base64') })),
    submittedAt: now,
    visibility: 'private',
    markdown: false,
    verified: await ownsEmail(s, viewer, email),
  };
  const [result] = await s.ingest.ingest(inbox, [{ key: `webform:${stamp.nonce}`, raw: JSON.stringify(submission), rawType: WEBFORM_RAW_TYPE }]);
  if (!result.ticketId) throw new Error(`Web-form submission was not stored: ${result.error ?? result.state}`);
  if (!result.duplicate) {
    const url = `${s.config.publicUrl}/t/${result.ticketId}`;
    // The confirmation speaks the language the form was shown in (an agent's choice for the contact wins).
    const locale = (await customerLocale(s.db.m, (await ticketRepository.findById(s.db.m, result.ticketId))?.requesterId ?? null, { acceptLanguage: input.acceptLanguage })).locale;
    // In a transaction, so its commit pokes the outbox worker ('outbox.enqueued').
    await s.db.transaction(({ m }) =>
      outboxRepository.enqueue(m, {
        kind: 'notification.email', messageId: result.messageId, ticketId: result.ticketId, inboxId: inbox.id,
        payload: {
          to: email,
          subject: translate(locale, 'received.subject', { id: result.ticketId }),
          template: 'webform-received',
          data: { locale, name: submission.name, ticketId: result.ticketId, url, subject: submission.subject || message.split('\n')[0].slice(0, 80), formTitle: settings.title },
        },
      }, now),
    );
  }
  return { kind: 'created', ticketId: result.ticketId, duplicate: !!result.duplicate };
}
