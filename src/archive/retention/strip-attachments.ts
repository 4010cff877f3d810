// A received mail without its attachments: its headers (less the MIME structure ones) over the
// message's text as a plain body, marked so a reader of the archive knows why. JSON payloads
// (API and social channels) keep their form; a mail that does not parse is left as it is.
export function stripAttachments(raw: string, text: string): string {
  const trimmed = raw.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return raw;
  const headerEnd = raw.search(/\r?\n\r?\n/);
  if (headerEnd < 0) return raw;
  const headers = raw.slice(0, headerEnd).split(/\r?\n(?![ \t])/)
    .filter((h) => !/^(content-type|content-transfer-encoding|mime-version):/i.test(h))
    .map((h) => h.replace(/\r?\n[ \t]+/g, ' '));
  return [...headers, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', 'X-Chorus-Retention: attachments removed', '', text].join('\r\n');
}
