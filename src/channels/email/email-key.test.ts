import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { corpusPath } from '../../../test/helpers/corpus';
import { emailContentDigest, emailIdempotencyKey, normalisedBody } from './email-key';

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

// The digest's body rule as it was first written (regular expressions over the latin1 text):
// every stored key was made with it, so the one-pass version must give the same bytes.
const asFirstWritten = (body: Buffer) => Buffer.from(body.toString('latin1').replace(/\r\n?/g, '\n').replace(/[ \t]+$/gm, '').replace(/\n+$/, ''), 'latin1');

describe('the body as the digest reads it', () => {
  it('is the same bytes as the first rule for any mix of line ends, blanks and 8-bit bytes', () => {
    const byte = fc.constantFrom(13, 10, 32, 9, 0x41, 0xe9, 0x85, 0x00, 0xff);
    fc.assert(fc.property(fc.array(fc.oneof(byte, fc.integer({ min: 0, max: 255 })), { maxLength: 400 }), fc.array(byte, { maxLength: 60 }), (mixed, tail) => {
      const body = Buffer.from([...mixed, ...tail]);
      expect(normalisedBody(body).equals(asFirstWritten(body))).toBe(true);
    }), { numRuns: 2000 });
  });

  const { dir, present } = corpusPath('email');
  (present ? it : it.skip)('is the same bytes for every mail of the corpus', () => {
    const files = fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((f) => f.isFile()).map((f) => path.join(f.parentPath, f.name));
    expect(files.length).toBeGreaterThan(100);
    for (const file of files) {
      const raw = fs.readFileSync(file);
      expect(normalisedBody(raw).equals(asFirstWritten(raw))).toBe(true);
    }
  });
});
