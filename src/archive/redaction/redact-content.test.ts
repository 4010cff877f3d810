import { findCardNumbers, luhnValid, maskCard, redactRaw, redactSpans, REDACTED } from './redact-content';

describe('card numbers', () => {
  it('finds Luhn-valid numbers with or without separators, and nothing else', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    const text = 'Card 4111 1111 1111 1111, Amex 3782-822463-10005, order 1234567890123, phone +49 30 1234 5678, 0000000000000000.';
    expect(findCardNumbers(text)).toEqual(['4111 1111 1111 1111', '3782-822463-10005']);
    expect(maskCard('4111 1111 1111 1111')).toBe('[card ending 1111]');
  });
});

describe('redactSpans', () => {
  it('removes every occurrence in each stored form and counts them', () => {
    expect(redactSpans('pw: s3cr&t! again s3cr&t!', ['s3cr&t!'])).toEqual({ value: `pw: ${REDACTED} again ${REDACTED}`, count: 2 });
    expect(redactSpans('<p>pw: s3cr&amp;t!</p>', ['s3cr&t!']).value).toBe(`<p>pw: ${REDACTED}</p>`);
    expect(redactSpans('{"text":"say \\"hi\\" now"}', ['say "hi"']).value).toBe(`{"text":"${REDACTED} now"}`);
    expect(redactSpans('Gr=C3=BC=C3=9Fe K=C3=B6ln', ['Grüße Köln']).value).toBe(REDACTED);
  });
});

describe('redactRaw', () => {
  const mail = (headers: string[], body: string) => [...headers, '', body].join('\r\n');
  it('redacts a plain mail in place, headers included', async () => {
    const raw = mail(['From: a@example.com', 'Subject: my pin 98765', 'Content-Type: text/plain; charset=utf-8'], 'The pin is 98765.');
    const r = await redactRaw(raw, ['98765'], 'The pin is [redacted].');
    expect(r.rebuilt).toBe(false);
    expect(r.raw).not.toContain('98765');
    expect(r.raw).toContain('From: a@example.com');
  });
  it('rebuilds a mail whose body hides the span in base64, keeping its headers', async () => {
    const raw = mail(['From: a@example.com', 'Message-ID: <x@example.com>', 'Subject: hello', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: base64'], Buffer.from('The password is Hunter2Secret, thanks').toString('base64'));
    const r = await redactRaw(raw, ['Hunter2Secret'], 'The password is [redacted], thanks');
    expect(r.rebuilt).toBe(true);
    expect(r.raw).not.toContain(Buffer.from('The password is Hunter2Secret, thanks').toString('base64'));
    expect(r.raw).toContain('Message-ID: <x@example.com>');
    expect(r.raw).toContain('The password is [redacted], thanks');
  });
  it('redacts JSON payloads value by value, escapes included', async () => {
    const raw = JSON.stringify({ message: { text: 'token "abc-123" here', nested: ['abc-123'] } });
    const r = await redactRaw(raw, ['abc-123'], '');
    expect(JSON.parse(r.raw)).toEqual({ message: { text: `token "${REDACTED}" here`, nested: [REDACTED] } });
  });
});
