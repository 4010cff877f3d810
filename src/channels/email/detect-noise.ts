import type { ParsedMail } from 'mailparser';
import type { InboundMessage } from '../inbound-message';

type Noise = NonNullable<InboundMessage['noise']>;
type Rule = (p: ParsedMail, ctx: { ourDomains: string[]; envelopeFrom: string | null }) => Noise | undefined;

const header = (p: ParsedMail, name: string): string => {
  const v = p.headers.get(name);
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && 'value' in (v as object)) return String((v as { value: unknown }).value ?? '');
  return String(v);
};

// Each rule names one piece of header evidence. Automatic mail is recognised by what its headers
// say (RFC 3834, RFC 3464, RFC 2369/2919), never by how the sender's address looks: shops and
// people write from noreply@ addresses too, and their mail must reach an agent.
export const ourOwnMessage: Rule = (p, { ourDomains }) => {
  const id = (p.messageId ?? '').toLowerCase();
  return ourDomains.some((d) => id.endsWith(`@${d}>`) && id.startsWith('<chorus.')) ? { echo: true, reason: 'our own message' } : undefined;
};

const BOUNCE_SUBJECT = /undeliver|delivery status|failure|returned mail|delivery has failed|not delivered/i;

export const deliveryReport: Rule = (p, { envelopeFrom }) => {
  const ct = p.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  const report = ct?.value?.toLowerCase() === 'multipart/report';
  const reportType = (ct?.params?.['report-type'] ?? '').toLowerCase();
  // A read receipt (disposition-notification) is automatic but reports no failure.
  if (report && reportType && reportType !== 'delivery-status') return { autoReply: true, reason: `report (${reportType})` };
  // RFC 5321 §4.5.5: reports travel with an empty reverse path; an old-style bounce says so there.
  const nullPath = envelopeFrom === '' && BOUNCE_SUBJECT.test(p.subject ?? '');
  if (!report && !nullPath) return undefined;
  return { bounce: true, reason: report ? 'delivery report' : 'delivery failure from an empty return path', bouncedMessageIds: bouncedIds(p), bounceReason: bounceReason(p) };
};

export const autoSubmitted: Rule = (p) => {
  const auto = header(p, 'auto-submitted').toLowerCase().split(';')[0].trim();
  return auto && auto !== 'no' ? { autoReply: true, reason: `Auto-Submitted: ${auto}` } : undefined;
};

export const autoResponderHeader: Rule = (p) => {
  const name = ['x-autoreply', 'x-autorespond', 'x-autoresponse', 'x-autoresponder'].find((h) => p.headers.has(h));
  return name ? { autoReply: true, reason: `${name} header` } : undefined;
};

export const precedence: Rule = (p) => {
  const v = header(p, 'precedence').toLowerCase().trim();
  return /^(bulk|junk|list|auto_reply)$/.test(v) ? { bulk: true, reason: `Precedence: ${v}` } : undefined;
};

export const listHeaders: Rule = (p) => {
  const name = (p.headerLines ?? []).map((h) => h.key).find((k) => /^list-(id|unsubscribe|post|help|subscribe|owner|archive)$/.test(k));
  return name ? { bulk: true, reason: `mailing list (${name})` } : undefined;
};

// Transactional-mail services stamp the machine mail they send for others (notifications, receipts).
export const machineNotification: Rule = (p) =>
  ['feedback-id', 'x-ses-outgoing', 'x-mailgun-sid', 'x-sg-eid'].some((h) => p.headers.has(h)) ? { bulk: true, reason: 'machine notification' } : undefined;

export const xLoop: Rule = (p) => (p.headers.has('x-loop') ? { loop: true, reason: 'X-Loop' } : undefined);

// RFC 3834 §3.3: automatic responses are sent with an empty return path.
export const emptyReturnPath: Rule = (_p, { envelopeFrom }) => (envelopeFrom === '' ? { autoReply: true, reason: 'empty return path' } : undefined);

export const NOISE_RULES: Rule[] = [ourOwnMessage, deliveryReport, autoSubmitted, autoResponderHeader, precedence, listHeaders, machineNotification, xLoop, emptyReturnPath];

// Loop and noise facts. Mail with any of them is stored but never answered automatically and
// never opens a ticket on its own. `envelopeFrom` is the SMTP reverse path ('' for <>, null unknown).
export function detectNoise(p: ParsedMail, ourDomains: string[], envelopeFrom: string | null = null): InboundMessage['noise'] | undefined {
  for (const rule of NOISE_RULES) {
    const hit = rule(p, { ourDomains, envelopeFrom });
    if (hit) return hit;
  }
  return undefined;
}

// The Message-ID the report is about: from the returned headers part, else the threading headers.
function bouncedIds(p: ParsedMail): string[] {
  const ids = new Set<string>();
  for (const a of p.attachments ?? []) {
    if (/message\/rfc822|text\/rfc822-headers|message\/rfc822-headers/i.test(a.contentType)) {
      const m = /^message-id:\s*(<[^>\s]+>)/im.exec(a.content.toString('latin1'));
      if (m) ids.add(m[1]);
    }
  }
  const text = p.text ?? '';
  for (const m of text.matchAll(/^message-id:\s*(<[^>\s]+>)/gim)) ids.add(m[1]);
  const irt = p.inReplyTo ? [p.inReplyTo] : [];
  const refs = Array.isArray(p.references) ? p.references : p.references ? [p.references] : [];
  for (const id of [...irt, ...refs]) ids.add(id);
  return [...ids];
}

function bounceReason(p: ParsedMail): string {
  for (const a of p.attachments ?? []) {
    if (/message\/delivery-status/i.test(a.contentType)) {
      const txt = a.content.toString('utf8');
      const diag = /^diagnostic-code:\s*(.+(?:\n[ \t].+)*)/im.exec(txt)?.[1] ?? /^status:\s*(.+)$/im.exec(txt)?.[1];
      if (diag) return `The recipient's mail server refused the message: ${diag.replace(/\s+/g, ' ').trim()}`;
    }
  }
  const line = (p.text ?? '').split('\n').find((l) => /\b(5\d\d|4\d\d)[ -]\d?\.?\d?\.?\d?\b|does not exist|user unknown|mailbox (unavailable|full)|address not found/i.test(l));
  return line ? `The message bounced: ${line.trim().slice(0, 300)}` : 'The message bounced.';
}
