import { simpleParser } from 'mailparser';
import { autoResponderHeader, autoSubmitted, deliveryReport, detectNoise, emptyReturnPath, listHeaders, machineNotification, ourOwnMessage, precedence, xLoop } from './detect-noise';

const parse = (head: string, body = 'x') => simpleParser(Buffer.from(`${head.trim().replace(/\n/g, '\r\n')}\r\n\r\n${body}\r\n`));
const ctx = { ourDomains: ['acme.test'], envelopeFrom: null as string | null };

describe('automatic-mail evidence, one rule at a time', () => {
  it('needs header evidence: a noreply address alone is not automatic', async () => {
    for (const from of ['noreply@shop.example', 'no-reply@bank.example', 'notifications@app.example', 'mailer-daemon@example.test']) {
      expect(detectNoise(await parse(`From: ${from}\nSubject: Your order 1042`), ['acme.test'])).toBeUndefined();
    }
  });

  it('ourOwnMessage: a Message-ID Chorus made for one of our domains', async () => {
    expect(ourOwnMessage(await parse('From: a@x.test\nMessage-ID: <chorus.r1.abc@acme.test>'), ctx)).toMatchObject({ echo: true });
    expect(ourOwnMessage(await parse('From: a@x.test\nMessage-ID: <chorus.r1.abc@other.test>'), ctx)).toBeUndefined();
  });

  it('deliveryReport: multipart/report of delivery-status, or a failure notice from the empty return path', async () => {
    const dsn = await parse('From: MAILER-DAEMON@mx.test\nSubject: Undelivered\nContent-Type: multipart/report; report-type=delivery-status; boundary=b', '--b\r\nContent-Type: text/plain\r\n\r\nfailed\r\n--b--');
    expect(deliveryReport(dsn, ctx)).toMatchObject({ bounce: true, reason: 'delivery report' });
    const mdn = await parse('From: a@x.test\nSubject: Read\nContent-Type: multipart/report; report-type=disposition-notification; boundary=b', '--b\r\nContent-Type: text/plain\r\n\r\nread\r\n--b--');
    expect(deliveryReport(mdn, ctx)).toMatchObject({ autoReply: true, reason: 'report (disposition-notification)' });
    const old = await parse('From: MAILER-DAEMON@mx.test\nSubject: Returned mail: user unknown');
    expect(deliveryReport(old, { ...ctx, envelopeFrom: '' })).toMatchObject({ bounce: true });
    expect(deliveryReport(old, ctx)).toBeUndefined();
  });

  it('autoSubmitted: any value but no (RFC 3834)', async () => {
    expect(autoSubmitted(await parse('From: a@x.test\nAuto-Submitted: auto-replied'), ctx)).toMatchObject({ autoReply: true });
    expect(autoSubmitted(await parse('From: a@x.test\nAuto-Submitted: no'), ctx)).toBeUndefined();
  });

  it('autoResponderHeader: X-Autoreply / X-Autorespond', async () => {
    expect(autoResponderHeader(await parse('From: a@x.test\nX-Autorespond: yes'), ctx)).toMatchObject({ autoReply: true, reason: 'x-autorespond header' });
  });

  it('precedence: bulk, junk, list, auto_reply', async () => {
    expect(precedence(await parse('From: a@x.test\nPrecedence: bulk'), ctx)).toMatchObject({ bulk: true });
    expect(precedence(await parse('From: a@x.test\nPrecedence: first-class'), ctx)).toBeUndefined();
  });

  it('listHeaders: any RFC 2369/2919 List-* field', async () => {
    expect(listHeaders(await parse('From: a@x.test\nList-Post: <mailto:l@x.test>'), ctx)).toMatchObject({ bulk: true, reason: 'mailing list (list-post)' });
  });

  it('machineNotification: transactional-mail service stamps', async () => {
    expect(machineNotification(await parse('From: a@x.test\nFeedback-ID: 1:2:3'), ctx)).toMatchObject({ bulk: true });
  });

  it('xLoop and emptyReturnPath', async () => {
    expect(xLoop(await parse('From: a@x.test\nX-Loop: support@acme.test'), ctx)).toMatchObject({ loop: true });
    expect(emptyReturnPath(await parse('From: a@x.test'), { ...ctx, envelopeFrom: '' })).toMatchObject({ autoReply: true });
    expect(emptyReturnPath(await parse('From: a@x.test'), { ...ctx, envelopeFrom: 'a@x.test' })).toBeUndefined();
  });
});
