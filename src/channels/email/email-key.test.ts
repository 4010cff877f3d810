import { emailContentDigest, emailIdempotencyKey } from './email-key';

const a = 'From: Ana <ana@example.test>\r\nSubject: Hello\r\nDate: Mon, 1 Dec 2025 10:00:00 +0000\r\nMessage-ID: <x@example.test>\r\n\r\nBody line\r\n';

describe('the ledger key of a mail', () => {
  it('is the Message-ID plus a content digest', () => {
    expect(emailIdempotencyKey(Buffer.from(a))).toMatch(/^msgid:<x@example\.test>:[0-9a-f]{32}$/);
  });

  it('is the same across transports: line endings, trace fields and our envelope field do not count', () => {
    const viaImap = `Return-Path: <ana@example.test>\nDelivered-To: help@acme.test\nReceived: from mx by mx2; Mon, 1 Dec 2025 10:00:05 +0000\n${a.replace(/\r\n/g, '\n')}\n`;
    const viaSmtp = `X-Chorus-Envelope-From: <ana@example.test>\r\n${a}`;
    expect(emailIdempotencyKey(Buffer.from(viaImap))).toBe(emailIdempotencyKey(Buffer.from(a)));
    expect(emailIdempotencyKey(Buffer.from(viaSmtp))).toBe(emailIdempotencyKey(Buffer.from(a)));
  });

  it('differs for a different mail that reuses the Message-ID', () => {
    for (const other of [a.replace('Body line', 'Other body'), a.replace('Ana <ana', 'Ben <ben'), a.replace('Hello', 'Hi'), a.replace('10:00:00', '11:00:00')]) {
      expect(emailIdempotencyKey(Buffer.from(other))).not.toBe(emailIdempotencyKey(Buffer.from(a)));
    }
  });

  it('is the content digest alone without a Message-ID', () => {
    const noId = a.replace(/Message-ID: .*\r\n/, '');
    expect(emailIdempotencyKey(noId)).toBe(`sha256:${emailContentDigest(noId)}`);
    expect(emailIdempotencyKey(`Received: from a by b\r\n${noId}`)).toBe(emailIdempotencyKey(noId));
  });
});
