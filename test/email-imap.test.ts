import fs from 'node:fs';
import net from 'node:net';
import { ImapFlow } from 'imapflow';
import pino from 'pino';
import { EMAIL_RAW_TYPE, emailIdempotencyKey } from '../src/channels/email/email-key';
import { pollMailbox } from '../src/channels/email/imap/imap-poller';
import { ImapWatcher } from '../src/channels/email/imap/imap-watcher';
import { imapSettingsSchema } from '../src/channels/email/imap/imap-settings';
import { createInbox } from '../src/inboxes/create-inbox';
import { DOVECOT_BIN, startDovecot, type Dovecot } from './helpers/dovecot';
import { startTestChorus, type TestChorus } from './helpers/test-chorus';
import { until } from './helpers/wait';

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
    // The pollers stay off here: the test drives each poll itself.
    t = await startTestChorus({ env: { CHORUS_WORKERS: 'false' } });
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
    expect(keys).toEqual([1, 2, 3, 4, 5, 6].map((n) => expect.stringMatching(new RegExp(`^${inbox.id}:msgid:<q${n}@example\\.com>:[0-9a-f]{32}$`))));

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

  it('processes a re-fetched mail whose ledger row a crash left `received`', async () => {
    await imap.mailboxCreate('Crashed');
    const inbox = await createInbox(t.s.db, Date.now(), {
      name: 'Crashed', channel: 'email', address: 'crashed@acme.test',
      settings: { imap: { host: '127.0.0.1', port: dove.port, secure: false, user: dove.user, pass: dove.pass, mailbox: 'Crashed' } },
    });
    const settings = imapSettingsSchema.parse(inbox.settings!.imap);
    await imap.append('Crashed', mail(201));
    // The previous run recorded the mail and died before processing it and before moving the bookmark.
    const [row] = await t.s.ingest.record(inbox, [{ key: emailIdempotencyKey(mail(201)), raw: mail(201), rawType: EMAIL_RAW_TYPE }]);
    expect(row.state).toBe('received');
    expect(await pollMailbox(t.s, inbox, settings)).toMatchObject({ fetched: 1, duplicates: 1 });
    const [after] = await t.s.db.m.query(`SELECT state, message_id FROM inbound_items WHERE id = ${row.id}`);
    expect(after.state).toBe('processed');
    expect(after.message_id).toEqual(expect.any(Number));
  });
});

// Inboxes created or edited while Chorus runs are polled at once, and IDLE brings new mail in
// about a second although the poll interval is an hour.
(fs.existsSync(DOVECOT_BIN) ? describe : describe.skip)('IMAP inboxes of a running Chorus', () => {
  let t: TestChorus;
  let dove: Dovecot;
  let imap: ImapFlow;
  beforeAll(async () => {
    dove = await startDovecot();
    t = await startTestChorus();
    imap = new ImapFlow({ host: '127.0.0.1', port: dove.port, secure: false, auth: { user: dove.user, pass: dove.pass }, logger: false });
    await imap.connect();
    for (const box of ['Live', 'Moved']) await imap.mailboxCreate(box);
  });
  afterAll(async () => {
    await imap.logout().catch(() => undefined);
    await t.stop();
    await dove.stop();
  });
  const stored = (key: string) => until(`${key} in the ledger`, async () => (await t.s.db.m.query(`SELECT state FROM inbound_items WHERE idempotency_key LIKE '%${key}%' AND state = 'processed'`)).length > 0);

  it('polls an inbox created through the API without a restart, takes new mail through IDLE, and follows an edit', async () => {
    await imap.append('Live', mail(101));
    const settings = { host: '127.0.0.1', port: dove.port, secure: false, user: dove.user, pass: dove.pass, mailbox: 'Live', pollSeconds: 3600 };
    const created = await t.api('POST', '/api/inboxes', { name: 'Live', channel: 'email', address: 'live@acme.test', settings: { imap: settings } });
    expect(created.status).toBe(201);
    // The password is never shown back.
    expect((await t.api('GET', '/api/inboxes')).body.inboxes.find((i: any) => i.id === created.body.inbox.id).settings.imap.pass).toBe('••••••');
    await stored('q101@');

    // No poll is due for an hour: only IDLE can bring this one in.
    const sent = Date.now();
    await imap.append('Live', mail(102));
    await stored('q102@');
    const idleMs = Date.now() - sent;
    expect(idleMs).toBeLessThan(10_000);

    // The inbox now reads another mailbox: applied at once.
    const edited = await t.api('PATCH', `/api/inboxes/${created.body.inbox.id}`, { settings: { imap: { ...settings, mailbox: 'Moved' } } });
    expect(edited.status).toBe(200);
    await imap.append('Moved', mail(103));
    await stored('q103@');
    // A bad edit is refused, naming the field, and changes nothing.
    const bad = await t.api('PATCH', `/api/inboxes/${created.body.inbox.id}`, { settings: { imap: { ...settings, port: 'x' } } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('settings.imap.port');
  });
});

// A server that greets and then holds the socket open without a word.
describe('IMAP against a silent server', () => {
  let server: net.Server;
  let port = 0;
  let connections = 0;
  const sockets: net.Socket[] = [];
  beforeAll(async () => {
    server = net.createServer((sock) => {
      connections++;
      sockets.push(sock);
      sock.on('error', () => undefined);
      sock.write('* OK IMAP4rev1 ready\r\n');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
  });

  it('gives up on a stalled poll within the timeout, logs the host and mailbox and a skipped tick, and polls again', async () => {
    const t = await startTestChorus({ env: { CHORUS_WORKERS: 'false' } });
    try {
      const lines: any[] = [];
      const logger = pino({ level: 'debug' }, { write: (l: string) => void lines.push(JSON.parse(l)) });
      const inbox = await createInbox(t.s.db, Date.now(), { name: 'Silent', channel: 'email', address: 'silent@acme.test' });
      const settings = imapSettingsSchema.parse({ host: '127.0.0.1', port, secure: false, user: 'u', pass: 'p', mailbox: 'Quiet', timeoutSeconds: 1 });
      const w = new ImapWatcher({ ...t.s, logger }, inbox, settings);
      const first = w.tick();
      // A tick while the poll hangs is logged, not silently dropped.
      await w.tick('interval');
      await first;
      const skipped = lines.find((l) => l.msg === 'IMAP poll still running; tick skipped');
      expect(skipped).toMatchObject({ inboxId: inbox.id, host: '127.0.0.1', port, mailbox: 'Quiet', runningForMs: expect.any(Number) });
      const failed = lines.find((l) => l.msg === 'IMAP poll failed; will retry');
      expect(failed).toMatchObject({ inboxId: inbox.id, host: '127.0.0.1', port, mailbox: 'Quiet' });
      // The next tick tries again on a new connection.
      const before = connections;
      await w.tick();
      expect(connections).toBe(before + 1);
      expect(lines.filter((l) => l.msg === 'IMAP poll failed; will retry')).toHaveLength(2);
      await w.stop();
    } finally {
      await t.stop();
    }
  });
});
