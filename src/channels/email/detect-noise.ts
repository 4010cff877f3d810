import type { ParsedMail } from 'mailparser';
import type { InboundMessage } from '../inbound-message';

const header = (p: ParsedMail, name: string): string => {
  const v = p.headers.get(name);
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && 'value' in (v as object)) return String((v as { value: unknown }).value ?? '');
  return String(v);
};

// Loop and noise facts (RFC 3834 and the headers real auto-responders and lists send). Mail with
// any of them is stored but never answered automatically and never opens a ticket on its own.
export function detectNoise(p: ParsedMail, fromAddress: string, ourDomains: string[]): InboundMessage['noise'] | undefined {
  const auto = header(p, 'auto-submitted').toLowerCase();
  const precedence = header(p, 'precedence').toLowerCase();
  const contentType = header(p, 'content-type').toLowerCase();
  const local = fromAddress.split('@')[0]?.toLowerCase() ?? '';
  const messageId = (p.messageId ?? '').toLowerCase();

  if (ourDomains.some((d) => messageId.endsWith(`@${d}>`) && messageId.startsWith('<chorus.'))) return { echo: true, reason: 'our own message' };
  const report = /multipart\/report/.test(contentType) || /report-type=delivery-status/.test(contentType);
  const daemon = !fromAddress || /^(mailer-daemon|postmaster)$/.test(local);
  if (report || (daemon && /undeliver|delivery status|failure|returned mail|delivery has failed/i.test(p.subject ?? ''))) {
    return { bounce: true, reason: 'delivery report', bouncedMessageIds: bouncedIds(p), bounceReason: bounceReason(p) };
  }
  if (daemon) return { autoReply: true, reason: 'mailer-daemon sender' };
  if (auto && auto !== 'no') return { autoReply: true, reason: `Auto-Submitted: ${auto}` };
  if (p.headers.has('x-autoreply') || p.headers.has('x-autorespond') || p.headers.has('x-autoresponse')) return { autoReply: true, reason: 'auto-responder header' };
  if (/^(bulk|junk|list|auto_reply)$/.test(precedence)) return { bulk: true, reason: `Precedence: ${precedence}` };
  if (p.headers.has('list-id') || p.headers.has('list-unsubscribe')) return { bulk: true, reason: 'mailing list' };
  // Transactional-mail services stamp their machine mail (notifications, receipts); people writing
  // to support do not send through them.
  if (p.headers.has('feedback-id') || p.headers.has('x-ses-outgoing') || p.headers.has('x-mailgun-sid') || p.headers.has('x-sg-eid')) return { bulk: true, reason: 'machine notification' };
  if (p.headers.has('x-loop')) return { loop: true, reason: 'X-Loop' };
  if (/^(no-?reply|do-?not-?reply|notifications?)$/.test(local)) return { bulk: true, reason: `automated sender ${fromAddress}` };
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
