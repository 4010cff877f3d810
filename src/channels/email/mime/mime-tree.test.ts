import { additionalHtmlEdits, extractUuencoded, forwardedMailName, uudecode } from './extra-parts';
import { parseMime, splice, walk } from './mime-tree';

const raw = Buffer.from('Subject: t\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\npreamble\r\n--b\r\nContent-Type: multipart/alternative; boundary=c\r\n\r\n--c\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nplain\r\n--c\r\nContent-Type: text/html\r\n\r\n<p>body</p>\r\n--c--\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>doc</p>\r\n--b\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\n\r\ninner body\r\n--b--\r\n');

describe('the MIME walk', () => {
  it('finds every part with its headers and body bytes', () => {
    const parts = [...walk(parseMime(raw))];
    expect(parts.map((p) => p.contentType)).toEqual(['multipart/mixed', 'multipart/alternative', 'text/plain', 'text/html', 'text/html', 'message/rfc822', 'text/plain']);
    const plain = parts[2];
    expect(plain.params.charset).toBe('utf-8');
    expect(raw.subarray(plain.bodyStart, plain.bodyEnd).toString()).toBe('plain');
    expect(raw.subarray(parts[6].bodyStart, parts[6].bodyEnd).toString()).toBe('inner body');
  });

  it('marks only an HTML part after the body of a mixed mail as an attachment', () => {
    const edits = additionalHtmlEdits(parseMime(raw));
    expect(edits).toHaveLength(1);
    expect(splice(raw, edits).toString()).toContain('Content-Type: text/html\r\nContent-Disposition: attachment\r\n\r\n<p>doc</p>');
  });

  it('decodes uuencode and lifts pasted blocks out of the text', () => {
    expect(uudecode(['+:&5L;&\\@=V]R;&0`', '`']).toString()).toBe('hello world');
    expect(extractUuencoded('see\n\nbegin 644 a.txt\n#:&D*\n`\nend\n\nbye')).toEqual({ text: 'see\n\nbye', files: [{ filename: 'a.txt', contentType: 'text/plain', content: Buffer.from('hi\n') }] });
  });

  it('names a forwarded mail by its decoded subject', () => {
    expect(forwardedMailName(Buffer.from('Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?= / 2\r\n\r\nx'))).toBe('Grüße 2.eml');
    expect(forwardedMailName(Buffer.from('From: a@b\r\n\r\nx'))).toBe('forwarded-message.eml');
  });
});
