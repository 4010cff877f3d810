import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { htmlToText, sanitize } from '../../content/sanitize';
import type { Inbox } from '../../db/entities';
import type { InboundAttachment, InboundMessage, InboundPerson } from '../inbound-message';
import { detectNoise } from './detect-noise';
import { emailContentDigest } from './email-key';
import { additionalHtmlEdits, decodeUuencodedPart, extractUuencoded, forwardedMailName, inlineForwardedMails } from './mime/extra-parts';
import { bodyCharsetEdits, legacyHeaderEdits } from './mime/legacy-charsets';
import { parseMime, splice, type MimePart } from './mime/mime-tree';
import { addressesOf, envelopeSender, isNoReplyAddress, nameFor, pickAuthor } from './sender';
import { trimReply } from './trim/trim-reply';

const headerText = (p: ParsedMail, name: string): string => {
  const v = p.headers.get(name);
  if (!v) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && 'text' in (v as object)) return String((v as { text: unknown }).text);
  if (typeof v === 'object' && 'value' in (v as object)) return String((v as { value: unknown }).value);
  return String(v);
};

// The name a person is shown by on this message: the display name the mail carried, else the
// local part of the address.
const person = (address: string, name: string): InboundPerson => ({ kind: 'email', value: address, name: nameFor(address, name), displayName: name.trim() || null });

// Before mailparser reads the bytes, fix what it would read wrongly: legacy 8-bit header fields
// and undeclared body charsets, and HTML documents attached after the body of a mixed mail.
// Returns the bytes to parse and their MIME tree (read again only when something was fixed).
export function prepareRaw(buf: Buffer): { bytes: Buffer; tree: MimePart } {
  const tree = parseMime(buf);
  const bytes = splice(buf, [...legacyHeaderEdits(buf, tree), ...bodyCharsetEdits(buf, tree), ...additionalHtmlEdits(tree)]);
  return { bytes, tree: bytes === buf ? tree : parseMime(bytes) };
}

// Raw RFC 5322 bytes (kept in the ledger as latin1 so every byte survives) → the one inbound shape.
export async function parseEmail(raw: string, inbox: Inbox): Promise<InboundMessage> {
  const { bytes, tree } = prepareRaw(Buffer.from(raw, 'latin1'));
  // skipHtmlToText: an HTML-only mail's text comes from Chorus's own converter, which keeps the
  // author's case (mailparser's upper-cases headings).
  const p = await simpleParser(bytes, { skipTextToHtml: true, skipImageLinks: true, skipHtmlToText: true });
  const inboxAddresses = new Set([inbox.address, ...((inbox.settings?.aliases as string[] | undefined) ?? [])].filter(Boolean).map((a) => String(a).toLowerCase()));
  const ourDomains = [...inboxAddresses].map((a) => a.split('@')[1]).filter(Boolean);

  const author = pickAuthor(p);
  const authorAddress = author.address;

  const recipients = [...addressesOf(p.to), ...addressesOf(p.cc), ...addressesOf(p.headers.get('delivered-to') as AddressObject | undefined)];
  const forwardedFor = headerText(p, 'x-forwarded-for').split(/[\s,]+/).filter((x) => x.includes('@')).map((a) => ({ address: a.toLowerCase(), name: '' }));
  const replyToken = [...recipients, ...forwardedFor].map((r) => /^[^+@]+\+(t\d+-[0-9a-f]{16})@/i.exec(r.address)?.[1]).find(Boolean) ?? null;
  const isOurs = (a: string) => inboxAddresses.has(a) || inboxAddresses.has(a.replace(/\+[^@]*@/, '@'));

  const participants: InboundPerson[] = [];
  const replyTo = addressesOf(p.replyTo)[0];
  if (replyTo && replyTo.address !== authorAddress && !isOurs(replyTo.address)) participants.push(person(replyTo.address, replyTo.name));
  for (const c of addressesOf(p.cc)) if (!isOurs(c.address) && c.address !== authorAddress) participants.push(person(c.address, c.name));

  const html = p.html ? sanitize(p.html) : null;
  const uu = extractUuencoded((p.text && p.text.trim()) || (html ? htmlToText(html) : ''));
  const fullText = uu.text;
  const { visible, trimmed } = trimReply(fullText);
  const attachments = [...attachmentsOf(p), ...uu.files, ...inlineForwardedMails(bytes, tree).map((content) => ({ filename: forwardedMailName(content), contentType: 'message/rfc822', content, contentId: null, inline: false }))];

  const flags: Record<string, unknown> = {};
  // Which header the author came from when From could not be used, shown to agents.
  if (author.source !== 'from') flags.authorSource = { source: author.source, reason: author.fromProblem };
  // A no-reply address is no evidence of automatic mail, but replies may go unread.
  if (authorAddress && isNoReplyAddress(authorAddress)) flags.noReplySender = authorAddress;

  return {
    channel: 'email',
    externalId: p.messageId ?? null,
    emailMessageId: p.messageId ?? null,
    inReplyTo: p.inReplyTo ? p.inReplyTo.split(/\s+/).filter((x) => x.startsWith('<')) : [],
    references: Array.isArray(p.references) ? p.references : p.references ? p.references.split(/\s+/) : [],
    replyToken,
    // A mail with no sender address anywhere gets an identity of its own: one shared "unknown"
    // contact would put strangers' mail on each other's tickets.
    author: authorAddress ? person(authorAddress, author.name) : { kind: 'email', value: `unknown-sender-${emailContentDigest(bytes).slice(0, 16)}@invalid`, name: author.name.trim() || 'Unknown sender' },
    participants,
    subject: p.subject?.trim() || null,
    text: visible || (attachments.length ? '(attachments only)' : '(empty message)'),
    fullText: trimmed ? fullText : null,
    html,
    attachments,
    audienceHint: 'private',
    receivedAt: p.date && !Number.isNaN(p.date.getTime()) ? Math.min(p.date.getTime(), Date.now()) : undefined,
    noise: detectNoise(p, ourDomains, envelopeSender(p)),
    ...(Object.keys(flags).length ? { flags } : {}),
  };
}

function attachmentsOf(p: ParsedMail): InboundAttachment[] {
  return (p.attachments ?? [])
    .filter((a) => !/message\/delivery-status|text\/rfc822-headers/i.test(a.contentType))
    .map((a, i) => decodeUuencodedPart({
      filename: a.filename || (/message\/rfc822/i.test(a.contentType) ? forwardedMailName(a.content) : `attachment-${i + 1}${extensionFor(a.contentType)}`),
      contentType: a.contentType || 'application/octet-stream',
      content: a.content,
      contentId: a.contentId ? a.contentId.replace(/^<|>$/g, '') : null,
      inline: a.contentDisposition === 'inline' && !!a.contentId,
    }));
}

function extensionFor(type: string): string {
  const map: Record<string, string> = { 'image/png': '.png', 'image/jpeg': '.jpg', 'image/gif': '.gif', 'application/pdf': '.pdf', 'text/plain': '.txt', 'text/html': '.html', 'message/rfc822': '.eml' };
  return map[type?.toLowerCase()] ?? '.bin';
}
