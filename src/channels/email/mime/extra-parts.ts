import type { InboundAttachment } from '../../inbound-message';
import { hasAncestor, walk, type MimePart } from './mime-tree';

type Edit = { start: number; end: number; bytes: Buffer };

// In multipart/mixed the first part is the message; a text/html part after it is an attached
// document (a receipt, a saved page) and stays a file instead of being glued into the body.
// Inside multipart/alternative the HTML pieces are the body itself (Apple Mail splits it
// around inline images), so they are left alone.
export function additionalHtmlEdits(root: MimePart): Edit[] {
  const edits: Edit[] = [];
  for (const mixed of walk(root)) {
    if (mixed.contentType !== 'multipart/mixed' || hasAncestor(mixed, (p) => p.contentType === 'multipart/alternative' || p.contentType === 'message/rfc822')) continue;
    const bodyIndex = mixed.children.findIndex((c) => c.disposition !== 'attachment');
    mixed.children.forEach((child, i) => {
      if (i === bodyIndex) return;
      for (const part of walk(child)) {
        if (part.contentType !== 'text/html' || part.disposition === 'attachment' || part.children.length) continue;
        if (hasAncestor(part, (p) => p.contentType === 'message/rfc822')) continue;
        const existing = part.fields.find((f) => f.key === 'content-disposition');
        const name = /filename\s*=\s*"?([^";]+)/i.exec(existing?.value ?? '')?.[1] ?? part.params.name;
        const line = Buffer.from(`Content-Disposition: attachment${name ? `; filename="${name.replace(/"/g, '')}"` : ''}\r\n`, 'latin1');
        edits.push(existing ? { start: existing.start, end: existing.end, bytes: line } : { start: part.headerEnd, end: part.headerEnd, bytes: line });
      }
    });
  }
  return edits;
}

// A forwarded mail sent `Content-Disposition: inline` is shown in the body by mailparser and
// would be lost as a file; it is kept as an .eml attachment too, headers and all.
export function inlineForwardedMails(buf: Buffer, root: MimePart): Buffer[] {
  const out: Buffer[] = [];
  for (const part of walk(root)) {
    if (part.contentType !== 'message/rfc822' || part.disposition !== 'inline') continue;
    const body = buf.subarray(part.bodyStart, part.bodyEnd);
    out.push(/base64/.test(part.encoding) ? Buffer.from(body.toString('latin1'), 'base64') : Buffer.from(body));
  }
  return out;
}

// The Subject of a forwarded mail names its attachment ("Order 1042.eml").
export function forwardedMailName(content: Buffer): string {
  const head = content.subarray(0, 64 * 1024).toString('utf8').split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ');
  const subject = /^subject:[ \t]*(.*)$/im.exec(head)?.[1]?.trim();
  const plain = subject ? decodeWords(subject).replace(/[\\/:*?"<>|\x00-\x1f]+/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 120) : '';
  return `${plain || 'forwarded-message'}.eml`;
}

// RFC 2047 encoded words, enough for a file name.
function decodeWords(s: string): string {
  return s.replace(/=\?([^?]+)\?([bq])\?([^?]*)\?=\s*/gi, (whole, charset: string, enc: string, data: string) => {
    try {
      const bytes = enc.toLowerCase() === 'b' ? Buffer.from(data, 'base64') : Buffer.from(data.replace(/_/g, ' ').replace(/=([0-9a-f]{2})/gi, (_m, h) => String.fromCharCode(parseInt(h, 16))), 'latin1');
      return new TextDecoder(charset.split('*')[0]).decode(bytes);
    } catch {
      return whole;
    }
  });
}

// uuencode (POSIX uuencode/uudecode): `begin <mode> <name>`, length-prefixed lines, `end`.
export function uudecode(lines: string[]): Buffer {
  const out: number[] = [];
  for (const line of lines) {
    if (!line.length) continue;
    const n = (line.charCodeAt(0) - 32) & 63;
    if (!n) continue;
    const dec = (i: number) => (line.charCodeAt(i) - 32) & 63;
    const bytes: number[] = [];
    for (let i = 1; bytes.length < n && i < line.length + 4; i += 4) {
      const [a, b, c, d] = [dec(i), dec(i + 1), dec(i + 2), dec(i + 3)];
      bytes.push(((a << 2) | (b >> 4)) & 255, ((b << 4) | (c >> 2)) & 255, ((c << 6) | d) & 255);
    }
    out.push(...bytes.slice(0, n));
  }
  return Buffer.from(out);
}

const UU_BLOCK = /^begin [0-7]{3,4} ([^\r\n]+)\r?\n([\s\S]*?)^end[ \t]*$/m;

const TYPES: Record<string, string> = { txt: 'text/plain', pdf: 'application/pdf', png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', zip: 'application/zip', html: 'text/html', htm: 'text/html', csv: 'text/csv', doc: 'application/msword', xls: 'application/vnd.ms-excel' };
const typeOf = (name: string) => TYPES[name.split('.').pop()?.toLowerCase() ?? ''] ?? 'application/octet-stream';

// uuencoded blocks pasted into a text body (old clients, some gateways) become attachments.
export function extractUuencoded(text: string): { text: string; files: InboundAttachment[] } {
  const files: InboundAttachment[] = [];
  let rest = text;
  for (let m = UU_BLOCK.exec(rest); m && files.length < 100; m = UU_BLOCK.exec(rest)) {
    const filename = m[1].trim();
    files.push({ filename, contentType: typeOf(filename), content: uudecode(m[2].split(/\r?\n/)) });
    rest = rest.slice(0, m.index) + rest.slice(m.index + m[0].length);
  }
  return { text: files.length ? rest.replace(/\n{3,}/g, '\n\n').trim() : text, files };
}

// A part sent `Content-Transfer-Encoding: x-uuencode` reaches us still encoded.
export function decodeUuencodedPart(a: InboundAttachment): InboundAttachment {
  const head = a.content.subarray(0, 512).toString('latin1');
  if (!/^\s*begin [0-7]{3,4} /.test(head)) return a;
  const m = UU_BLOCK.exec(a.content.toString('latin1').replace(/^\s+/, ''));
  if (!m) return a;
  const filename = a.filename && !/^attachment-\d+/.test(a.filename) ? a.filename : m[1].trim();
  const contentType = /uuencode|octet-stream/i.test(a.contentType) ? typeOf(filename) : a.contentType;
  return { ...a, filename, contentType, content: uudecode(m[2].split(/\r?\n/)) };
}
