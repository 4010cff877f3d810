// The uploaded logo: its type is read from the bytes (never from the name or the browser's
// claim) and its size from the image header, so a renamed file or a huge image is refused with a
// reason. SVG is refused: it can carry script, and the logo is served from our own origin.

export const LOGO_MAX_BYTES = 512 * 1024;
export const LOGO_MIN_PX = 16;
export const LOGO_MAX_PX = 4096;
export const LOGO_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;
export type LogoType = (typeof LOGO_TYPES)[number];

export interface LogoFacts { type: LogoType; width: number; height: number; bytes: number }
export type LogoCheck = { ok: true; logo: LogoFacts } | { ok: false; error: string };

const ascii = (b: Buffer, at: number, n: number) => b.subarray(at, at + n).toString('latin1');

function sniff(b: Buffer): { type: LogoType; width: number; height: number } | null {
  if (b.length >= 24 && b.readUInt32BE(0) === 0x89504e47 && b.readUInt32BE(4) === 0x0d0a1a0a && ascii(b, 12, 4) === 'IHDR') {
    return { type: 'image/png', width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
  }
  if (b.length >= 10 && (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a')) {
    return { type: 'image/gif', width: b.readUInt16LE(6), height: b.readUInt16LE(8) };
  }
  if (b.length >= 30 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') {
    const chunk = ascii(b, 12, 4);
    if (chunk === 'VP8 ') return { type: 'image/webp', width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
    if (chunk === 'VP8L') {
      const bits = b.readUInt32LE(21);
      return { type: 'image/webp', width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
    }
    if (chunk === 'VP8X') return { type: 'image/webp', width: b.readUIntLE(24, 3) + 1, height: b.readUIntLE(27, 3) + 1 };
    return null;
  }
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) {
    // Walk the segments to the frame header (SOFn), which holds the size.
    let at = 2;
    while (at + 9 < b.length) {
      if (b[at] !== 0xff) return null;
      const marker = b[at + 1];
      if (marker === 0xff) { at++; continue; }
      const len = b.readUInt16BE(at + 2);
      if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
        return { type: 'image/jpeg', width: b.readUInt16BE(at + 7), height: b.readUInt16BE(at + 5) };
      }
      at += 2 + len;
    }
  }
  return null;
}

export function checkLogo(content: Buffer): LogoCheck {
  if (content.length > LOGO_MAX_BYTES) return { ok: false, error: `The logo is ${Math.ceil(content.length / 1024)} KB; use an image of at most ${LOGO_MAX_BYTES / 1024} KB.` };
  const facts = sniff(content);
  if (!facts) return { ok: false, error: 'The logo must be a PNG, JPEG, GIF or WebP image (SVG is not accepted).' };
  const { width, height } = facts;
  if (width < LOGO_MIN_PX || height < LOGO_MIN_PX || width > LOGO_MAX_PX || height > LOGO_MAX_PX) {
    return { ok: false, error: `The logo is ${width}×${height} px; use between ${LOGO_MIN_PX} and ${LOGO_MAX_PX} px on each side.` };
  }
  return { ok: true, logo: { ...facts, bytes: content.length } };
}

export const logoExtension = (type: LogoType) => ({ 'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/webp': 'webp' })[type];
