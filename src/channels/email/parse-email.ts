import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { htmlToText, sanitize } from '../../content/sanitize';
import type { Inbox } from '../../db/entities';
import type { InboundMessage, InboundPerson } from '../inbound-message';
import { detectNoise } from './detect-noise';
import { trimReply } from './trim/trim-reply';

const addresses = (a: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(a) ? a : a ? [a] : []).flatMap((x) => x.value).filter((v) => v.address).map((v) => ({ address: v.address!.toLowerCase(), name: v.name || '' }));

const headerText = (p: ParsedMail, name: string): string => {
  const v = p.headers.get(name);
  if (!v) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && 'text' in (v as object)) return String((v as { text: unknown }).text);
  if (typeof v === 'object' && 'value' in (v as object)) return String((v as { value: unknown }).value);
  return String(v);
};

const person = (address: string, name: string): InboundPerson => ({ kind: 'email', value: address, name: name || address, displayName: name || null });

// Raw RFC 5322 bytes (kept in the ledger as latin1 so every byte survives) → the one inbound shape.
export async function parseEmail(raw: string, inbox: Inbox): Promise<InboundMessage> {
  const p = await simpleParser(Buffer.from(raw, 'latin1'), { skipTextToHtml: true, skipImageLinks: true });
  const inboxAddresses = new Set([inbox.address, ...((inbox.settings?.aliases as string[] | undefined) ?? [])].filter(Boolean).map((a) => String(a).toLowerCase()));
  const ourDomains = [...inboxAddresses].map((a) => a.split('@')[1]).filter(Boolean);

  const from = addresses(p.from)[0];
  // Google Groups and similar forwarders put the person in X-Original-Sender and themselves in From.
  const originalSender = headerText(p, 'x-original-sender').trim().toLowerCase();
  const authorAddress = originalSender.includes('@') ? originalSender : from?.address ?? '';
  const authorName = originalSender.includes('@') ? (from?.name ?? '').replace(/\s*via\s+.+$/i, '') : from?.name ?? '';

  const recipients = [...addresses(p.to), ...addresses(p.cc), ...addresses(p.headers.get('delivered-to') as AddressObject | undefined)];
  const forwardedFor = headerText(p, 'x-forwarded-for').split(/[\s,]+/).filter((x) => x.includes('@')).map((a) => ({ address: a.toLowerCase(), name: '' }));
  const replyToken = [...recipients, ...forwardedFor].map((r) => /^[^+@]+\+(t\d+-[0-9a-f]{16})@/i.exec(r.address)?.[1]).find(Boolean) ?? null;
  const isOurs = (a: string) => inboxAddresses.has(a) || inboxAddresses.has(a.replace(/\+[^@]*@/, '@'));

  const participants: InboundPerson[] = [];
  const replyTo = addresses(p.replyTo)[0];
  if (replyTo && replyTo.address !== authorAddress && !isOurs(replyTo.address)) participants.push(person(replyTo.address, replyTo.name));
  for (const c of addresses(p.cc)) if (!isOurs(c.address) && c.address !== authorAddress) participants.push(person(c.address, c.name));

  const html = p.html ? sanitize(p.html) : null;
  const fullText = (p.text && p.text.trim()) || (html ? htmlToText(html) : '');
  const { visible, trimmed } = trimReply(fullText);
  const attachments = (p.attachments ?? [])
    .filter((a) => !/message\/delivery-status|text\/rfc822-headers/i.test(a.contentType))
    .map((a, i) => ({
      filename: a.filename || `attachment-${i + 1}${extensionFor(a.contentType)}`,
      contentType: a.contentType || 'application/octet-stream',
      content: a.content,
      contentId: a.contentId ? a.contentId.replace(/^<|>$/g, '') : null,
      inline: a.contentDisposition === 'inline' && !!a.contentId,
    }));
  const references = Array.isArray(p.references) ? p.references : p.references ? p.references.split(/\s+/) : [];
  const inReplyTo = p.inReplyTo ? p.inReplyTo.split(/\s+/).filter((x) => x.startsWith('<')) : [];

  return {
    channel: 'email',
    externalId: p.messageId ?? null,
    emailMessageId: p.messageId ?? null,
    inReplyTo,
    references,
    replyToken,
    author: authorAddress ? person(authorAddress, authorName) : { kind: 'email', value: 'unknown-sender@invalid', name: 'Unknown sender' },
    participants,
    subject: p.subject?.trim() || null,
    text: visible || (attachments.length ? '(attachments only)' : '(empty message)'),
    fullText: trimmed ? fullText : null,
    html,
    attachments,
    audienceHint: 'private',
    receivedAt: p.date && !Number.isNaN(p.date.getTime()) ? Math.min(p.date.getTime(), Date.now()) : undefined,
    noise: detectNoise(p, authorAddress, ourDomains),
  };
}

function extensionFor(type: string): string {
  const map: Record<string, string> = { 'image/png': '.png', 'image/jpeg': '.jpg', 'image/gif': '.gif', 'application/pdf': '.pdf', 'text/plain': '.txt', 'text/html': '.html', 'message/rfc822': '.eml' };
  return map[type?.toLowerCase()] ?? '.bin';
}
