import { decodeBytes, decodeStrict, isAscii, isUtf8, normaliseCharset } from './detect-charset';
import { walk, type MimePart } from './mime-tree';

type Edit = { start: number; end: number; bytes: Buffer };

// The charset a part's header fields were most likely written in: the part's own declared
// charset, else that of its first text part (a multipart's headers), else its parent's.
function headerHint(part: MimePart): string | null {
  for (const p of walk(part)) if (p.params.charset) return p.params.charset;
  for (let p = part.parent; p; p = p.parent) if (p.params.charset) return p.params.charset;
  return null;
}

// Raw 8-bit header fields (RFC 6532 allows UTF-8; older mailers send GBK, Big5, Shift_JIS,
// ISO-2022-JP, KOI8-R, windows-125x…) are rewritten as UTF-8, which is how mailparser reads them.
// One mailer wrote the whole header block, so its legacy fields are read in one charset, chosen
// from all of them together (a short name alone is too little to tell Shift_JIS from GBK).
export function legacyHeaderEdits(buf: Buffer, root: MimePart): Edit[] {
  const edits: Edit[] = [];
  for (const part of walk(root)) {
    const legacy = part.fields.filter((f) => {
      const bytes = buf.subarray(f.start, f.end);
      return !isAscii(bytes) && !(isUtf8(bytes) && !bytes.includes(0x1b));
    });
    if (!legacy.length) continue;
    const all = Buffer.concat(legacy.map((f) => buf.subarray(f.start, f.end)));
    const block = decodeBytes(all, headerHint(part)).charset;
    for (const f of legacy) {
      const bytes = buf.subarray(f.start, f.end);
      // ISO-2022-JP is 7-bit with escapes: a field that has them is read on its own.
      const text = (!bytes.includes(0x1b) && decodeStrict(bytes, block)) || decodeBytes(bytes, headerHint(part)).text;
      edits.push({ start: f.start, end: f.end, bytes: Buffer.from(text, 'utf8') });
    }
  }
  return edits;
}

// The body bytes under their Content-Transfer-Encoding (RFC 2045 §6.7, §6.8).
export function decodeTransfer(body: Buffer, encoding: string): Buffer {
  if (/base64/.test(encoding)) return Buffer.from(body.toString('latin1'), 'base64');
  if (/quoted-printable/.test(encoding)) {
    const text = body.toString('latin1').replace(/=\r?\n/g, '');
    return Buffer.from(text.replace(/=([0-9a-f]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
  }
  return body;
}

// A text part (raw 8-bit, base64 or quoted-printable) without a charset, or with one its bytes
// are not valid in, gets the charset its bytes are in; mailparser would otherwise turn them into U+FFFD.
export function bodyCharsetEdits(buf: Buffer, root: MimePart): Edit[] {
  const edits: Edit[] = [];
  for (const part of walk(root)) {
    if (!/^text\/(plain|html)$/.test(part.contentType) || part.children.length) continue;
    const body = decodeTransfer(buf.subarray(part.bodyStart, part.bodyEnd), part.encoding);
    if (isAscii(body)) continue;
    const declared = normaliseCharset(part.params.charset);
    if (declared && declared !== 'windows-1252' && decodeStrict(body, declared) !== null) continue;
    if (declared === 'windows-1252' && !/^\s*"?(us-)?ascii"?\s*$/i.test(part.params.charset ?? '')) continue;
    const { charset } = decodeBytes(body, null);
    if (charset === declared) continue;
    const field = part.fields.find((f) => f.key === 'content-type');
    if (field) {
      const original = buf.subarray(field.start, field.end).toString('latin1');
      const eol = /\r\n$/.test(original) ? '\r\n' : '\n';
      const core = original.replace(/\r?\n$/, '');
      const rewritten = /charset\s*=/i.test(core) ? core.replace(/charset\s*=\s*("[^"]*"|[^;\s]*)/i, `charset=${charset}`) : `${core}; charset=${charset}`;
      edits.push({ start: field.start, end: field.end, bytes: Buffer.from(rewritten + eol, 'latin1') });
    } else {
      edits.push({ start: part.headerEnd, end: part.headerEnd, bytes: Buffer.from(`Content-Type: ${part.contentType}; charset=${charset}\r\n`, 'latin1') });
    }
  }
  return edits;
}
