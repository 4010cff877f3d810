import type { AddressObject, ParsedMail } from 'mailparser';

export type AuthorSource = 'from' | 'x-original-sender' | 'sender' | 'reply-to' | 'envelope' | 'from (first of several)' | 'none';

export interface PickedAuthor {
  address: string;
  // The display name the mail arrived with ('' when it had none).
  name: string;
  source: AuthorSource;
  // Why From was not used, for the agent (null when it was).
  fromProblem: string | null;
}

type Addr = { address: string; name: string };

export const addressesOf = (a: AddressObject | AddressObject[] | undefined): Addr[] =>
  (Array.isArray(a) ? a : a ? [a] : []).flatMap((x) => x.value).filter((v) => v.address).map((v) => ({ address: v.address!.toLowerCase(), name: v.name || '' }));

const headerValue = (p: ParsedMail, name: string): string => {
  const v = p.headers.get(name);
  if (!v) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && 'text' in (v as object)) return String((v as { text: unknown }).text);
  return String(v);
};

// The SMTP reverse path as the listener (X-Chorus-Envelope-From, written at receipt) or the final
// delivery agent (the topmost Return-Path, RFC 5321 §4.4) recorded it: '' for the null path <>,
// null when the mail carries neither.
export function envelopeSender(p: ParsedMail): string | null {
  const line = (p.headerLines ?? []).find((h) => h.key === 'x-chorus-envelope-from') ?? (p.headerLines ?? []).find((h) => h.key === 'return-path');
  if (!line) return null;
  const v = line.line.slice(line.line.indexOf(':') + 1).trim();
  const m = /<([^>]*)>/.exec(v);
  const address = (m ? m[1] : v).trim().toLowerCase();
  return address.includes('@') || address === '' ? address : null;
}

// Who wrote the mail. From when it names exactly one usable address; otherwise (no From, an
// empty `"x" <>`, several From headers) Sender, then Reply-To, then the envelope sender, and the
// source is recorded so an agent can see why the author is who Chorus says.
export function pickAuthor(p: ParsedMail): PickedAuthor {
  const fromLines = (p.headerLines ?? []).filter((h) => h.key === 'from').length;
  const from = addressesOf(p.from)[0];
  const fromName = (p.from && !Array.isArray(p.from) ? p.from.value[0]?.name : '') ?? '';

  // Google Groups and similar forwarders put the person in X-Original-Sender and themselves in From.
  const originalSender = headerValue(p, 'x-original-sender').trim().toLowerCase();
  if (originalSender.includes('@') && fromLines <= 1) {
    return { address: originalSender, name: (from?.name ?? '').replace(/\s*via\s+.+$/i, ''), source: 'x-original-sender', fromProblem: null };
  }
  if (from && fromLines === 1) return { address: from.address, name: from.name, source: 'from', fromProblem: null };

  const fromProblem = fromLines === 0 ? 'the mail has no From header' : fromLines > 1 ? `the mail has ${fromLines} From headers` : 'the From header has no usable address';
  const sender = addressesOf(p.headers.get('sender') as AddressObject | undefined)[0];
  if (sender) return { address: sender.address, name: sender.name, source: 'sender', fromProblem };
  const replyTo = addressesOf(p.replyTo)[0];
  if (replyTo) return { address: replyTo.address, name: replyTo.name || (fromLines === 1 ? fromName : ''), source: 'reply-to', fromProblem };
  const envelope = envelopeSender(p);
  if (envelope) return { address: envelope, name: fromLines === 1 ? fromName : '', source: 'envelope', fromProblem };
  if (from) return { address: from.address, name: from.name, source: 'from (first of several)', fromProblem };
  return { address: '', name: fromName, source: 'none', fromProblem };
}

// Addresses that announce nobody reads what is sent to them. Not evidence that the mail is
// automatic (shops send real orders from them), only that a reply may go unread.
export function isNoReplyAddress(address: string): boolean {
  const local = address.split('@')[0]?.toLowerCase() ?? '';
  return /(^|[._+-])(no-?reply|do-?not-?reply|donotreply|no-?response)([._+-]|$)/.test(local);
}

// A person without a display name is named by the local part of their address.
export function nameFor(address: string, displayName: string): string {
  return displayName.trim() || address.split('@')[0] || address;
}
