import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

// Inbox settings keep their platform tokens as given (masked when presented); a listening stream's
// token is sealed instead, with AES-256-GCM under a key derived from CHORUS_SECRET, so the
// settings column, a database dump or an export never holds it in plain text. A value without
// the prefix is a token stored before sealing existed and is read as it is.
const PREFIX = 'sealed:v1:';

const keyOf = (secret: string) => createHash('sha256').update(`chorus listening token:${secret}`).digest();

export function sealToken(secret: string, token: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', keyOf(secret), iv);
  const body = Buffer.concat([c.update(token, 'utf8'), c.final()]);
  return PREFIX + Buffer.concat([iv, c.getAuthTag(), body]).toString('base64url');
}

// Undefined when there is no token, or when it was sealed under another secret (the admin is
// told to enter it again rather than Chorus sending garbage to the platform).
export function openToken(secret: string, stored: string | undefined | null): string | undefined {
  if (!stored) return undefined;
  if (!stored.startsWith(PREFIX)) return stored;
  try {
    const raw = Buffer.from(stored.slice(PREFIX.length), 'base64url');
    const d = createDecipheriv('aes-256-gcm', keyOf(secret), raw.subarray(0, 12));
    d.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

export const isSealed = (stored: string | undefined | null) => !!stored && stored.startsWith(PREFIX);
