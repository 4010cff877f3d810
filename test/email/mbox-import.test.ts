import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/index';
import { createInbox } from '../../src/inboxes/create-inbox';
import { openDatabase } from '../../src/db/data-source';
import { Db } from '../../src/db/transaction';
import { EventBus } from '../../src/events/bus';
import { importMbox } from '../../src/channels/email/mbox-import';
import { connectSocket, nextEvent, recordEvents, startTestChorus } from '../helpers/test-chorus';

const mail = (id: string, from: string, subject: string, body: string, inReplyTo?: string) =>
  [`From ${from} Sun Nov 22 10:00:00 2026`, `From: ${from}`, 'To: support@acme.test', `Subject: ${subject}`, `Message-ID: <${id}>`,
    ...(inReplyTo ? [`In-Reply-To: <${inReplyTo}>`, `References: <${inReplyTo}>`] : []), '', body, '>From the archive, quoted.', ''].join('\n');

describe('import:mbox', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chorus-mbox-'));
  const dbUrl = `sqlite:${path.join(dir, 'c.sqlite')}`;
  const file = path.join(dir, 'archive.mbox');
  let inboxId = 0;
  beforeAll(async () => {
    const ds = await openDatabase(dbUrl);
    inboxId = (await createInbox(new Db(ds, new EventBus()), Date.now(), { name: 'Support', channel: 'email', address: 'support@acme.test' })).id;
    await ds.destroy();
    fs.writeFileSync(file, [
      mail('a1@x.test', 'ann@x.test', 'Broken login', 'I cannot log in.'),
      mail('b1@x.test', 'bob@x.test', 'Refund', 'Please refund order 7.'),
      mail('a2@x.test', 'ann@x.test', 'Re: Broken login', 'Still broken.', 'a1@x.test'),
    ].join('\n'));
    Object.assign(process.env, { DATABASE_URL: dbUrl, CHORUS_DATA_DIR: dir, CHORUS_SECRET: 'mbox-secret-0123456789', LOG_LEVEL: 'silent' });
  });
  afterAll(() => {
    for (const k of ['DATABASE_URL', 'CHORUS_DATA_DIR', 'CHORUS_SECRET']) delete process.env[k];
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('imports threaded, reports progress, and stores nothing twice on a second run', async () => {
    const out: string[] = [];
    jest.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
    const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await runCli(['import:mbox', file, '--inbox', String(inboxId)])).toBe(0);
      expect(out.at(-1)).toMatch(/Imported 3 mail\(s\): 3 stored, 0 already there, 0 failed/);
      expect(await runCli(['import:mbox', file, '--inbox', String(inboxId)])).toBe(0);
      expect(out.at(-1)).toMatch(/Imported 3 mail\(s\): 0 stored, 3 already there/);
      expect(await runCli(['import:mbox', path.join(dir, 'missing.mbox'), '--inbox', String(inboxId)])).toBe(2);
    } finally {
      jest.restoreAllMocks();
      void err;
    }
    const ds = await openDatabase(dbUrl);
    const rows = await ds.query('SELECT ticket_id, text FROM messages ORDER BY id');
    await ds.destroy();
    expect(rows).toHaveLength(3);
    expect(rows[2].ticket_id).toBe(rows[0].ticket_id);
    expect(rows[1].ticket_id).not.toBe(rows[0].ticket_id);
  });
});

describe('import:mbox of historic mail', () => {
  it('stores archived mail without an auto-acknowledgement, an SLA clock or a notification', async () => {
    const t = await startTestChorus();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chorus-mbox-hist-'));
    try {
      const inbox = await createInbox(t.s.db, Date.now(), {
        name: 'Support', channel: 'email', address: 'support@acme.test', firstResponseMinutes: 30, settings: { autoAck: { enabled: true, windowHours: 24 } },
      });
      const socket = await connectSocket(t, { token: t.admin.token });
      const seen = recordEvents(socket);
      const bus: string[] = [];
      for (const name of ['ticket.created', 'message.created', 'ticket.updated'] as const) t.s.bus.on(name, () => void bus.push(name));
      const file = path.join(dir, 'old.mbox');
      fs.writeFileSync(file, [mail('h1@x.test', 'hal@x.test', 'Old question', 'Back in 2019.'), mail('h2@x.test', 'hal@x.test', 'Re: Old question', 'Still there?', 'h1@x.test')].join('\n'));
      expect(await importMbox(t.s, inbox, file)).toMatchObject({ stored: 2, failed: 0 });
      const [archived] = await t.s.db.m.query("SELECT id, sla_due_at, message_count FROM tickets WHERE subject = 'Old question'");
      expect(archived).toMatchObject({ sla_due_at: null, message_count: 2 });
      expect(bus).toEqual([]);

      // A live mail afterwards does all three, and its notification is the first the agent gets.
      const raw = 'From: liv@y.test\r\nTo: support@acme.test\r\nSubject: New question\r\nMessage-ID: <n1@y.test>\r\n\r\nHelp!\r\n';
      const created = nextEvent(socket, 'ticket.created');
      const res = await fetch(`${t.url}/api/inboxes/${inbox.id}/raw-email`, { method: 'POST', headers: { authorization: `Bearer ${t.admin.token}`, 'content-type': 'message/rfc822' }, body: raw });
      const live = ((await res.json()) as { ticketId: number }).ticketId;
      expect((await created).id).toBe(live);
      expect(seen.events.filter(([name]) => name === 'ticket.created')).toHaveLength(1);
      const [fresh] = await t.s.db.m.query('SELECT sla_due_at FROM tickets WHERE id = ?', [live]);
      expect(fresh.sla_due_at).not.toBeNull();
      for (let i = 0; i < 100 && !(await t.s.db.m.query("SELECT 1 FROM outbox_items WHERE kind = 'email.auto-ack' AND ticket_id = ?", [live])).length; i++) await new Promise((r) => setTimeout(r, 50));
      const acks = await t.s.db.m.query("SELECT ticket_id FROM outbox_items WHERE kind = 'email.auto-ack'");
      expect(acks.map((a: { ticket_id: number }) => a.ticket_id)).toEqual([live]);
      socket.close();
    } finally {
      await t.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
