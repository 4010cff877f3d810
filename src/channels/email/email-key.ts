import { createHash } from 'node:crypto';

export const EMAIL_RAW_TYPE = 'email.rfc822';

// The ledger key of a mail: its Message-ID when it has one (so the same mail fetched by IMAP,
// received by SMTP or posted raw lands once), else the hash of its bytes.
export function emailIdempotencyKey(raw: Buffer | string): string {
  const buf = Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
  const headEnd = buf.indexOf('\r\n\r\n') >= 0 ? buf.indexOf('\r\n\r\n') : buf.indexOf('\n\n');
  const head = buf.subarray(0, headEnd >= 0 ? headEnd : Math.min(buf.length, 64 * 1024)).toString('latin1').replace(/\r?\n[ \t]+/g, ' ');
  const m = /^message-id:\s*(<[^>\s]+>)/im.exec(head);
  return m ? `msgid:${m[1].toLowerCase()}` : `sha256:${createHash('sha256').update(buf).digest('hex')}`;
}
