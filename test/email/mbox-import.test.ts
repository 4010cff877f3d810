import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/index';
import { createInbox } from '../../src/inboxes/create-inbox';
import { openDatabase } from '../../src/db/data-source';
import { Db } from '../../src/db/transaction';
import { EventBus } from '../../src/events/bus';

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
