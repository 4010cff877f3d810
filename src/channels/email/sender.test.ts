import { simpleParser } from 'mailparser';
import { envelopeSender, isNoReplyAddress, nameFor, pickAuthor } from './sender';

const parse = (head: string) => simpleParser(Buffer.from(`${head.trim().replace(/\n/g, '\r\n')}\r\n\r\nbody\r\n`));

describe('the author of a mail', () => {
  it('is From when it names one address', async () => {
    expect(pickAuthor(await parse('From: "Kim Lee" <Kim@Example.test>\nSender: s@x.test'))).toEqual({ address: 'kim@example.test', name: 'Kim Lee', source: 'from', fromProblem: null });
  });

  it('falls back in order: Sender, Reply-To, envelope', async () => {
    expect(pickAuthor(await parse('Sender: s@x.test\nReply-To: r@x.test'))).toMatchObject({ address: 's@x.test', source: 'sender', fromProblem: 'the mail has no From header' });
    expect(pickAuthor(await parse('From: "Pat" <>\nReply-To: r@x.test'))).toMatchObject({ address: 'r@x.test', name: 'Pat', source: 'reply-to', fromProblem: 'the From header has no usable address' });
    expect(pickAuthor(await parse('X-Chorus-Envelope-From: <e@x.test>\nFrom: a@x.test\nFrom: b@x.test'))).toMatchObject({ address: 'e@x.test', source: 'envelope', fromProblem: 'the mail has 2 From headers' });
    expect(pickAuthor(await parse('From: a@x.test\nFrom: b@x.test'))).toMatchObject({ address: 'a@x.test', source: 'from (first of several)' });
    expect(pickAuthor(await parse('Subject: nobody'))).toMatchObject({ address: '', source: 'none' });
  });

  it('reads the envelope from our field first, then the topmost Return-Path; <> is the empty path', async () => {
    expect(envelopeSender(await parse('Return-Path: <late@x.test>\nX-Chorus-Envelope-From: <ours@x.test>\nFrom: a@x.test'))).toBe('ours@x.test');
    expect(envelopeSender(await parse('Return-Path: <top@x.test>\nReturn-Path: <old@x.test>\nFrom: a@x.test'))).toBe('top@x.test');
    expect(envelopeSender(await parse('Return-Path: <>\nFrom: a@x.test'))).toBe('');
    expect(envelopeSender(await parse('From: a@x.test'))).toBeNull();
  });

  it('knows no-reply addresses and names people without a display name by the local part', () => {
    expect(['noreply@a.test', 'no-reply@a.test', 'do-not-reply@a.test', 'shop-noreply@a.test', 'donotreply@a.test'].every(isNoReplyAddress)).toBe(true);
    expect(['nora@a.test', 'reply@a.test', 'support@a.test'].some(isNoReplyAddress)).toBe(false);
    expect(nameFor('jo.bloggs@example.test', '')).toBe('jo.bloggs');
    expect(nameFor('jo@example.test', ' Jo B ')).toBe('Jo B');
  });
});
