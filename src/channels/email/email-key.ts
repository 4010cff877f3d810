import { createHash } from 'node:crypto';

export const EMAIL_RAW_TYPE = 'email.rfc822';

function splitHead(buf: Buffer): { head: string; body: Buffer } {
  const crlf = buf.indexOf('\r\n\r\n');
  const lf = buf.indexOf('\n\n');
  const end = crlf >= 0 && (lf < 0 || crlf < lf) ? crlf : lf;
  if (end < 0) return { head: buf.toString('latin1'), body: Buffer.alloc(0) };
  return { head: buf.subarray(0, end).toString('latin1'), body: buf.subarray(end + (end === crlf ? 4 : 2)) };
}

const FIELDS = { from: /^from:[ \t]*(.*)$/im, date: /^date:[ \t]*(.*)$/im, subject: /^subject:[ \t]*(.*)$/im };
const field = (head: string, name: keyof typeof FIELDS) => FIELDS[name].exec(head)?.[1]?.replace(/\s+/g, ' ').trim() ?? '';

// What identifies a mail's content, the same whichever transport brought it: From, Date, Subject
// and the body with line endings and trailing blanks normalised. Trace headers (Received,
// Return-Path, Delivered-To, our envelope header) differ per hop and are left out on purpose.
export function emailContentDigest(raw: Buffer | string): string {
  const buf = Buffer.isBuffer(raw) ? raw : Buffer.from(raw, 'latin1');
  const { head, body } = splitHead(buf);
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const h = createHash('sha256');
  for (const part of [field(unfolded, 'from'), field(unfolded, 'date'), field(unfolded, 'subject')]) h.update(part, 'latin1').update('\0');
  return h.update(normalisedBody(body)).update('\0').digest('hex');
}

// The body as the digest has always read it: CRLF and lone CR as LF, blanks (space, tab) at the
// end of each line dropped, trailing newlines dropped. One pass over the bytes: the three regular
// expressions over the decoded text it replaces were most of the digest's time on a large mail
// (a 180 KB attachment cost 1.3 ms). `email-key.test.ts` checks both give the same bytes.
export function normalisedBody(body: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(body.length);
  let n = 0;
  let lineStart = 0;
  const len = body.length;
  for (let i = 0; i < len; i++) {
    const c = body[i];
    if (c === 13 || c === 10) {
      while (n > lineStart && (out[n - 1] === 32 || out[n - 1] === 9)) n--;
      if (c === 13 && i + 1 < len && body[i + 1] === 10) i++;
      out[n++] = 10;
      lineStart = n;
    } else {
      out[n++] = c;
    }
  }
  while (n > lineStart && (out[n - 1] === 32 || out[n - 1] === 9)) n--;
  while (n > 0 && out[n - 1] === 10) n--;
  return out.subarray(0, n);
}

// The ledger key of a mail: its Message-ID plus the content digest, so a redelivery (SMTP retry,
// the same mail fetched by IMAP or posted raw) lands once while a different mail that reuses a
// Message-ID (broken mailers, anonymised exports) is still stored. No Message-ID: the digest alone.
export function emailIdempotencyKey(raw: Buffer | string): string {
  const buf = Buffer.isBuffer(raw) ? raw : Buffer.from(raw, 'latin1');
  const { head } = splitHead(buf.subarray(0, Math.min(buf.length, 256 * 1024)));
  const m = /^message-id:\s*(<[^>\s]+>)/im.exec(head.replace(/\r?\n[ \t]+/g, ' '));
  const digest = emailContentDigest(buf);
  return m ? `msgid:${m[1].toLowerCase()}:${digest.slice(0, 32)}` : `sha256:${digest}`;
}
