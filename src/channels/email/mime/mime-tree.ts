// A light walk over the MIME structure of raw mail bytes (RFC 2045/2046), with the byte offsets
// of every header field, so the parse filters can fix what mailparser would read wrongly (legacy
// 8-bit headers, extra HTML parts) by rewriting single header fields before the real parse.

export interface MimeField {
  key: string;
  // Unfolded value, bytes read as latin1.
  value: string;
  start: number;
  // Offset just past the field's last line break.
  end: number;
}

export interface MimePart {
  fields: MimeField[];
  // Offset where the header block ends (a new field may be inserted here).
  headerEnd: number;
  bodyStart: number;
  bodyEnd: number;
  contentType: string;
  params: Record<string, string>;
  disposition: string;
  encoding: string;
  children: MimePart[];
  parent: MimePart | null;
}

const MAX_DEPTH = 30;

export function parseParams(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of value.matchAll(/;\s*([\w.*-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))/g)) out[m[1].toLowerCase()] = m[2] ?? m[3] ?? '';
  return out;
}

function lineEnd(buf: Buffer, from: number, limit: number): number {
  const i = buf.indexOf(0x0a, from);
  return i < 0 || i >= limit ? limit : i + 1;
}

function readHeaders(buf: Buffer, start: number, limit: number): { fields: MimeField[]; headerEnd: number; bodyStart: number } {
  const fields: MimeField[] = [];
  let pos = start;
  while (pos < limit) {
    const next = lineEnd(buf, pos, limit);
    const line = buf.subarray(pos, next).toString('latin1');
    if (/^\r?\n?$/.test(line)) return { fields, headerEnd: pos, bodyStart: next };
    if (/^[ \t]/.test(line) && fields.length) {
      const f = fields[fields.length - 1];
      f.value += ' ' + line.trim();
      f.end = next;
    } else {
      const colon = line.indexOf(':');
      if (colon > 0) fields.push({ key: line.slice(0, colon).trim().toLowerCase(), value: line.slice(colon + 1).trim(), start: pos, end: next });
    }
    pos = next;
  }
  return { fields, headerEnd: limit, bodyStart: limit };
}

function parsePart(buf: Buffer, start: number, limit: number, parent: MimePart | null, depth: number): MimePart {
  const { fields, headerEnd, bodyStart } = readHeaders(buf, start, limit);
  const get = (k: string) => fields.find((f) => f.key === k)?.value ?? '';
  const ct = get('content-type');
  const parentType = parent?.contentType ?? '';
  const contentType = (ct.split(';')[0].trim().toLowerCase() || (parentType === 'multipart/digest' ? 'message/rfc822' : 'text/plain'));
  const part: MimePart = {
    fields, headerEnd, bodyStart, bodyEnd: limit, contentType, params: parseParams(ct),
    disposition: get('content-disposition').split(';')[0].trim().toLowerCase(), encoding: get('content-transfer-encoding').toLowerCase(),
    children: [], parent,
  };
  if (depth >= MAX_DEPTH) return part;
  if (contentType.startsWith('multipart/') && part.params.boundary) {
    const delimiter = `--${part.params.boundary}`;
    let pos = bodyStart;
    let partStart = -1;
    while (pos < limit) {
      const next = lineEnd(buf, pos, limit);
      // Only a line starting with "--" can be a delimiter; base64 bodies have many lines.
      const line = buf[pos] === 0x2d && buf[pos + 1] === 0x2d ? buf.subarray(pos, next).toString('latin1').replace(/[ \t\r\n]+$/, '') : '';
      if (line && (line === delimiter || line === `${delimiter}--`)) {
        if (partStart >= 0) {
          // The line break before a delimiter belongs to the delimiter (RFC 2046 §5.1.1).
          let end = pos;
          if (end > partStart && buf[end - 1] === 0x0a) end--;
          if (end > partStart && buf[end - 1] === 0x0d) end--;
          part.children.push(parsePart(buf, partStart, end, part, depth + 1));
        }
        if (line === `${delimiter}--`) break;
        partStart = next;
      }
      pos = next;
    }
  } else if (contentType === 'message/rfc822' && !/base64|quoted-printable/.test(part.encoding)) {
    part.children.push(parsePart(buf, bodyStart, limit, part, depth + 1));
  }
  return part;
}

export function parseMime(buf: Buffer): MimePart {
  return parsePart(buf, 0, buf.length, null, 0);
}

export function* walk(part: MimePart): Generator<MimePart> {
  yield part;
  for (const c of part.children) yield* walk(c);
}

export function hasAncestor(part: MimePart, test: (p: MimePart) => boolean): boolean {
  for (let p = part.parent; p; p = p.parent) if (test(p)) return true;
  return false;
}

// Rewrites byte ranges of the original (non-overlapping, any order) into a new buffer.
export function splice(buf: Buffer, edits: { start: number; end: number; bytes: Buffer }[]): Buffer {
  if (!edits.length) return buf;
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  const out: Buffer[] = [];
  let pos = 0;
  for (const e of sorted) {
    if (e.start < pos) continue;
    out.push(buf.subarray(pos, e.start), e.bytes);
    pos = e.end;
  }
  out.push(buf.subarray(pos));
  return Buffer.concat(out);
}
