import sanitizeHtml from 'sanitize-html';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});/gi, (whole, e: string) => {
    if (e[0] !== '#') return ENTITIES[e.toLowerCase()] ?? whole;
    const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

// The words a reader sees in rendered HTML, as one line of plain text: tags go by a real parser
// (a regex on markdown marks would eat the "<" of a literal "<b>"), block ends become spaces,
// entities become characters. The caller escapes it again wherever it is shown.
export function htmlToText(html: string): string {
  const spaced = html.replace(/<(br|hr|\/p|\/li|\/h[1-6]|\/div|\/pre|\/blockquote|\/tr|\/td|\/th|\/dt|\/dd)\b[^>]*>/gi, ' ');
  return decodeEntities(sanitizeHtml(spaced, { allowedTags: [], allowedAttributes: {} })).replace(/\s+/g, ' ').trim();
}

// A one-line preview of a post: from its rendered HTML when it has one, else its plain text.
export function postSnippet(post: { html?: string | null; text?: string | null } | undefined, max = 240): string | null {
  if (!post) return null;
  const text = post.html ? htmlToText(post.html) : (post.text ?? '').replace(/\s+/g, ' ').trim();
  if (!text) return null;
  return text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text;
}
