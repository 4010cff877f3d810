// Shared by every server-rendered page.

// A strict CSP as a second wall behind the sanitiser: scripts only from /static, no inline
// script or style. Customer pages may be framed by this site; agent pages by nothing.
export function strictCsp(frameAncestors: "'self'" | "'none'"): string {
  return `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors ${frameAncestors}`;
}

// A `next=` target: a path on this site only, never `//other.host` or `/\other.host`.
export function safeNext(next: unknown, fallback: string): string {
  return typeof next === 'string' && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) ? next : fallback;
}
