import fs from 'node:fs';
import { ImapFlow } from 'imapflow';
import { pollMailbox } from '../src/channels/email/imap/imap-poller';
import { imapSettingsSchema } from '../src/channels/email/imap/imap-settings';
import { createInbox } from '../src/inboxes/create-inbox';
import { DOVECOT_BIN, startDovecot, type Dovecot } from './helpers/dovecot';
import { startTestChorus, type TestChorus } from './helpers/test-chorus';

const mail = (n: number) =>
  `From: Customer ${n} <c${n}@example.com>\r\nTo: support@acme.test\r\nSubject: Question ${n}\r\nMessage-ID: <q${n}@example.com>\r\nDate: Sun, 22 Nov 2026 10:00:00 +0000\r\n\r\nHello, question ${n}.\r\n`;

// The IMAP poller against a real Dovecot: no loss and no duplicate across restarts and a
// UIDVALIDITY change, mail left on the server, \Seen never set.
(fs.existsSync(DOVECOT_BIN) ? describe : describe.skip)('IMAP polling against Dovecot', () => {
  let t: TestChorus;
  let dove: Dovecot;
  let imap: ImapFlow;
  beforeAll(async () => {
    dove = await startDovecot();
    t = await startTestChorus();
    imap = new ImapFlow({ host: '127.0.0.1', port: dove.port, secure: false, auth: { user: dove.user, pass: dove.pass }, logger: false });
    await imap.connect();
    await imap.mailboxCreate('Support');
  });
  afterAll(async () => {
    await imap.logout().catch(() => undefined);
    await t.stop();
    await dove.stop();
  });

  const ledgerKeys = async () => (await t.s.db.m.query('SELECT idempotency_key k FROM inbound_items ORDER BY id')).map((r: { k: string }) => r.k);

  it('stores every mail once across polls, a restart and a UIDVALIDITY change', async () => {
    const inbox = await createInbox(t.s.db, Date.now(), {
      name: 'Support', channel: 'email', address: 'support@acme.test',
      settings: { imap: { host: '127.0.0.1', port: dove.port, secure: false, user: dove.user, pass: dove.pass, mailbox: 'Support' } },
    });
    const settings = imapSettingsSchema.parse(inbox.settings!.imap);
    for (const n of [1, 2, 3]) await imap.append('Support', mail(n));
    expect(await pollMailbox(t.s, inbox, settings)).toMatchObject({ fetched: 3, recorded: 3, duplicates: 0 });
    // Nothing new: nothing fetched.
    expect(await pollMailbox(t.s, inbox, settings)).toMatchObject({ fetched: 0 });

    // Mail that arrives while Chorus is down is caught up on the next poll (a "restart" is just a new poll from the stored bookmark).
    for (const n of [4, 5]) await imap.append('Support', mail(n));
    expect(await pollMailbox(t.s, inbox, settings)).toMatchObject({ fetched: 2, recorded: 2 });

    // The server renumbers the mailbox (recreated): everything is read again, nothing stored twice, the new mail once.
    await imap.mailboxDelete('Support');
    await imap.mailboxCreate('Support');
    for (const n of [1, 2, 3, 4, 5, 6]) await imap.append('Support', mail(n));
    expect(await pollMailbox(t.s, inbox, settings)).toMatchObject({ uidValidityChanged: true, fetched: 6, recorded: 1, duplicates: 5 });

    const keys = await ledgerKeys();
    expect(keys).toHaveLength(6);
    expect(new Set(keys).size).toBe(6);
    expect(keys).toEqual([1, 2, 3, 4, 5, 6].map((n) => `${inbox.id}:msgid:<q${n}@example.com>`));

    // Mail stays on the server and is not marked read.
    const lock = await imap.getMailboxLock('Support');
    try {
      const flags: string[][] = [];
      for await (const m of imap.fetch('1:*', { flags: true })) flags.push([...(m.flags ?? [])]);
      expect(flags).toHaveLength(6);
      expect(flags.every((f) => !f.includes('\\Seen'))).toBe(true);
    } finally {
      lock.release();
    }
  });
});
