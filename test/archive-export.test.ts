import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createAgent } from '../src/agents/create-agent';
import { runCli } from '../src/cli/index';
import { MailPreview, OutboxItem } from '../src/db/entities';
import { contactRepository } from '../src/db/repositories/contact.repository';
import { createInbox } from '../src/inboxes/create-inbox';
import type { Viewer } from '../src/policies/viewer';
import { addNote } from '../src/tickets/commands/add-note';
import { addReply } from '../src/tickets/commands/add-reply';
import { addTag } from '../src/tickets/commands/add-tag';
import { mergeTicket } from '../src/tickets/commands/merge-ticket';
import { DB_KINDS, postRawEmail, startTestChorus, type TestChorus } from './helpers/test-chorus';
import { until } from './helpers/wait';
import { fetchZip, readZip } from './helpers/zip';

const run = promisify(execFile);
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(3000)]);
const mail = (n: number, from: string, body: string, withFile: boolean) => [
  `From: Customer <${from}>`, 'To: help@acme.test', `Subject: Order ${n}`, `Message-ID: <order${n}.${Math.random()}@example.com>`,
  'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="b"', '', '--b', 'Content-Type: text/plain; charset=utf-8', '', body,
  ...(withFile ? ['--b', 'Content-Type: application/pdf; name="invoice.pdf"', 'Content-Disposition: attachment; filename="invoice.pdf"', 'Content-Transfer-Encoding: base64', '', PDF.toString('base64').replace(/.{76}/g, '$&\r\n')] : []),
  '--b--', '',
].join('\r\n');

// Ticket exports (agents: everything with the verifiable chain; customers: their own view) and
// contact exports (access requests), read back with an independent ZIP reader.
describe.each(DB_KINDS)('ticket and contact export (%s)', (db) => {
  let t: TestChorus;
  let ada: Extract<Viewer, { kind: 'agent' }>;
  let ticketId: number;
  let mergedId: number;
  let raw1: string;
  let raw2: string;
  let customerId: number;
  let customerCookie: string;
  let otherCookie: string;
  let plainToken: string;
  const staffNote = 'STAFFNOTE-only-for-agents-7731';
  const internalTag = 'vip-internal-q9';
  const auth = () => ({ authorization: `Bearer ${t.admin.token}` });

  beforeAll(async () => {
    t = await startTestChorus({ db });
    ada = { kind: 'agent', agentId: t.admin.id, role: 'admin', name: 'Ada' };
    const inboxId = (await createInbox(t.s.db, Date.now(), { name: 'Help', channel: 'email', address: 'help@acme.test', settings: {} })).id;
    raw1 = mail(1, 'cust@example.com', 'My invoice is wrong.', true);
    raw2 = mail(2, 'cust@example.com', 'Also this second question.', false);
    ticketId = (await postRawEmail(t, inboxId, raw1)).ticketId;
    mergedId = (await postRawEmail(t, inboxId, raw2)).ticketId;
    await postRawEmail(t, inboxId, mail(3, 'other@example.com', 'Unrelated other customer.', false));
    await addReply(t.s.commands, ada, ticketId, { audience: 'participants', text: 'We fixed your invoice.' });
    await addNote(t.s.commands, ada, ticketId, { text: staffNote });
    await addTag(t.s.commands, ada, ticketId, internalTag, { public: false });
    await mergeTicket(t.s.commands, ada, mergedId, ticketId);
    // The reply goes out through the mailer (no relay: the mail preview keeps its bytes).
    const item = await until('the reply to be e-mailed', async () => {
      const o = await t.s.db.m.getRepository(OutboxItem).findOneBy({ kind: 'email', ticketId });
      return o && (o.state === 'sent' || o.lastError) ? o : null;
    });
    // Known fault outside exports: settling a sent message writes its externalId, which the hash
    // chain seals, so the item stays queued although the mail left. Record the send as it happened.
    if (item.state !== 'sent') await t.s.db.m.getRepository(OutboxItem).update({ id: item.id }, { state: 'sent', sentAt: Date.now(), nextAttemptAt: Date.now() + 86_400_000 });
    customerId = (await contactRepository.findIdentity(t.s.db.m, 'email', 'cust@example.com'))!.contactId;
    customerCookie = `chorus_sid=${(await t.s.sessions.create({ contactId: customerId })).sid}`;
    const otherId = (await contactRepository.findIdentity(t.s.db.m, 'email', 'other@example.com'))!.contactId;
    otherCookie = `chorus_sid=${(await t.s.sessions.create({ contactId: otherId })).sid}`;
    const plain = await createAgent(t.s.db, Date.now(), { email: `plain-${db}@chorus.test`, name: 'Plain', password: 'plain-password', role: 'agent' });
    plainToken = await t.s.sessions.createApiToken(plain.id, 'test');
  });
  afterAll(() => t.stop());

  it('gives agents the whole ticket: thread, JSON with history, raw mail, sent mail, files and chain', async () => {
    const z = await fetchZip(`${t.url}/api/tickets/${ticketId}/export`, auth());
    expect(z.status).toBe(200);
    expect(z.type).toBe('application/zip');
    const files = z.files!;
    for (const f of ['README.txt', 'thread.html', 'ticket.json', 'chain.json', 'VERIFY.md', 'verify.mjs']) expect({ f, there: files.has(f) }).toEqual({ f, there: true });
    const json = JSON.parse(files.get('ticket.json')!.toString());
    expect(json.ticket.id).toBe(ticketId);
    expect(json.mergedFrom).toEqual([mergedId]);
    const inbound = json.messages.filter((x: any) => x.direction === 'inbound');
    expect(inbound).toHaveLength(2);
    // Each inbound mail byte for byte as received; the merged ticket's mail came along.
    expect(files.get(inbound[0].receivedFile)!.equals(Buffer.from(raw1))).toBe(true);
    expect(files.get(inbound[1].receivedFile)!.equals(Buffer.from(raw2))).toBe(true);
    const att = inbound[0].attachments[0];
    expect(att.filename).toBe('invoice.pdf');
    expect(files.get(att.file)!.equals(PDF)).toBe(true);
    const reply = json.messages.find((x: any) => x.direction === 'outbound');
    expect(reply.sentFiles).toHaveLength(1);
    const sent = files.get(reply.sentFiles[0])!.toString();
    expect(sent).toMatch(/We fixed your invoice\./);
    expect(sent).toContain(`Message-ID: ${reply.emailMessageId}`);
    expect(sent).toMatch(/^To: cust@example\.com/m);
    // Staff notes and internal tags are in the staff copy, clearly marked; events carry causes.
    const html = files.get('thread.html')!.toString();
    expect(html).toContain(staffNote);
    expect(html).toMatch(/Staff note — internal, never shown to the customer<\/span>[^]*STAFFNOTE/);
    expect(html).toContain(`${internalTag} (internal)`);
    expect(json.events.map((e: any) => e.type)).toEqual(expect.arrayContaining(['created', 'merged']));
    for (const e of json.events) expect(Object.keys(e)).toEqual(expect.arrayContaining(['cause', 'actorType', 'data']));
    const chain = JSON.parse(files.get('chain.json')!.toString());
    expect(chain.links.map((l: any) => l.seq)).toEqual(chain.links.map((_: unknown, i: number) => i + 1));
  });

  it('rebuilds a sent e-mail the way the mailer built it when its bytes were not kept', async () => {
    const kept = await fetchZip(`${t.url}/api/tickets/${ticketId}/export`, auth());
    const reply = JSON.parse(kept.files!.get('ticket.json')!.toString()).messages.find((x: any) => x.direction === 'outbound');
    // With a relay configured nothing keeps the sent bytes: the mail preview is all there is here.
    await t.s.db.m.getRepository(MailPreview).createQueryBuilder().delete().execute();
    const z = await fetchZip(`${t.url}/api/tickets/${ticketId}/export`, auth());
    expect({ status: z.status, files: [...z.files!.keys()] }).toEqual({ status: 200, files: expect.arrayContaining([reply.sentFiles[0]]) });
    const rebuilt = z.files!.get(reply.sentFiles[0])!.toString();
    const original = kept.files!.get(reply.sentFiles[0])!.toString();
    for (const header of ['Message-ID', 'To', 'Subject', 'Reply-To', 'X-Chorus-Ticket']) {
      const line = (raw: string) => raw.match(new RegExp(`^${header}: .*$`, 'm'))?.[0];
      expect({ header, line: line(rebuilt) }).toEqual({ header, line: line(original) });
    }
    expect(rebuilt).toMatch(/We fixed your invoice\./);
    expect(z.files!.get('README.txt')!.toString()).toMatch(/rebuilt by\s+the code that sent it/);
  });

  it('follows a merge: the merged ticket\'s number exports the ticket it went into', async () => {
    const z = await fetchZip(`${t.url}/tickets/${mergedId}/export.zip`, auth());
    expect(z.status).toBe(200);
    const json = JSON.parse(z.files!.get('ticket.json')!.toString());
    expect({ id: json.ticket.id, askedFor: json.askedFor }).toEqual({ id: ticketId, askedFor: mergedId });
  });

  it('ships a standalone verify.mjs that passes on the file and fails on any changed byte', async () => {
    const z = await fetchZip(`${t.url}/api/tickets/${ticketId}/export`, auth());
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'export-verify-'));
    try {
      for (const [name, data] of z.files!) {
        fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        fs.writeFileSync(path.join(dir, name), data);
      }
      const verify = () => run(process.execPath, ['verify.mjs'], { cwd: dir }).then((r) => ({ code: 0, out: r.stdout }), (e) => ({ code: e.code as number, out: String(e.stdout) }));
      const ok = await verify();
      expect(ok).toEqual({ code: 0, out: expect.stringMatching(/link\(s\) intact/) });
      const edits: [string, (s: Buffer) => Buffer][] = [
        ['ticket.json', (b) => { const j = JSON.parse(b.toString()); j.messages.find((x: any) => x.direction === 'outbound').text = 'We fixed your invoicf.'; return Buffer.from(JSON.stringify(j, null, 2)); }],
        ['ticket.json', (b) => Buffer.from(b.toString().replace('"type": "merged"', '"type": "mergeX"'))],
        ['chain.json', (b) => Buffer.from(b.toString().replace(/\\"text\\":\\"We fixed/, '\\"text\\":\\"We fiXed'))],
        ['chain.json', (b) => { const c = JSON.parse(b.toString()); c.links[1].createdAt += 1; return Buffer.from(JSON.stringify(c)); }],
        [JSON.parse(z.files!.get('ticket.json')!.toString()).messages[0].attachments[0].file, (b) => { const c = Buffer.from(b); c[20] ^= 1; return c; }],
        [JSON.parse(z.files!.get('ticket.json')!.toString()).messages[0].receivedFile, (b) => Buffer.from(b.toString().replace('wrong', 'wronG'))],
      ];
      for (const [file, edit] of edits) {
        const original = fs.readFileSync(path.join(dir, file));
        const changed = edit(original);
        expect({ file, changed: !changed.equals(original) }).toEqual({ file, changed: true });
        fs.writeFileSync(path.join(dir, file), changed);
        const bad = await verify();
        expect({ file, edit: edits.findIndex((x) => x[1] === edit), code: bad.code, out: bad.out }).toEqual({ file, edit: edits.findIndex((x) => x[1] === edit), code: 1, out: expect.stringMatching(/problem/) });
        fs.writeFileSync(path.join(dir, file), original);
      }
      expect((await verify()).code).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers 404 to customers and the signed-out on the agent export, 403 to a non-admin on a contact export', async () => {
    for (const headers of [{}, { cookie: customerCookie }] as Record<string, string>[]) {
      for (const p of [`/api/tickets/${ticketId}/export`, `/tickets/${ticketId}/export.zip`, `/api/contacts/${customerId}/export`, `/contacts/${customerId}/export.zip`]) {
        const res = await fetch(t.url + p, { headers, redirect: 'manual' });
        expect({ p, status: res.status }).toEqual({ p, status: 404 });
      }
    }
    expect((await fetch(`${t.url}/api/contacts/${customerId}/export`, { headers: { authorization: `Bearer ${plainToken}` } })).status).toBe(403);
    expect((await fetch(`${t.url}/api/tickets/${ticketId}/export`, { headers: { authorization: `Bearer ${plainToken}` } })).status).toBe(200);
  });

  it('gives the customer their own view from /my: no staff note, no internal tag, their own mail as received', async () => {
    const my = await (await fetch(`${t.url}/my`, { headers: { cookie: customerCookie } })).text();
    expect(my).toContain(`/my/tickets/${ticketId}/export.zip`);
    const z = await fetchZip(`${t.url}/my/tickets/${ticketId}/export.zip`, { cookie: customerCookie });
    expect(z.status).toBe(200);
    const files = z.files!;
    for (const [name, data] of files) {
      expect({ name, note: data.includes(staffNote) }).toEqual({ name, note: false });
      expect({ name, tag: data.includes(internalTag) }).toEqual({ name, tag: false });
    }
    expect(files.has('chain.json')).toBe(false);
    const json = JSON.parse(files.get('ticket.json')!.toString());
    expect(json.audience).toBe('customer');
    expect(json.events).toBeUndefined();
    expect(json.messages.map((x: any) => x.audience)).not.toContain('staff');
    const emls = [...files.keys()].filter((f) => f.endsWith('-received.eml'));
    expect(emls.map((f) => files.get(f)!.toString()).sort()).toEqual([raw1, raw2].sort());
    expect([...files.values()].some((b) => b.equals(PDF))).toBe(true);
    expect(files.get('thread.html')!.toString()).toContain('We fixed your invoice.');
    for (const headers of [{}, { cookie: otherCookie }, auth()] as Record<string, string>[]) {
      expect((await fetch(`${t.url}/my/tickets/${ticketId}/export.zip`, { headers })).status).toBe(404);
    }
  });

  it('exports everything about a contact for an access request, from the page and the API', async () => {
    const page = await (await fetch(`${t.url}/tickets/${ticketId}`, { headers: auth() })).text();
    expect(page).toContain(`/tickets/${ticketId}/export.zip`);
    expect(page).toContain('Download archive');
    expect(page).toContain(`/contacts/${customerId}/export.zip`);
    const z = await fetchZip(`${t.url}/api/contacts/${customerId}/export`, auth());
    expect(z.status).toBe(200);
    const files = z.files!;
    for (const f of ['README.txt', 'profile.json', 'tickets.json', 'votes.json', 'ratings.json', 'consent.json', 'sign-in.json']) expect({ f, there: files.has(f) }).toEqual({ f, there: true });
    const profile = JSON.parse(files.get('profile.json')!.toString());
    expect(profile.identities.map((i: any) => i.value)).toContain('cust@example.com');
    const tickets = JSON.parse(files.get('tickets.json')!.toString());
    expect(tickets.map((x: any) => x.id).sort()).toEqual([ticketId, mergedId].sort());
    const texts = tickets.flatMap((x: any) => x.messages.map((m: any) => m.text)).join('\n');
    expect(texts).toMatch(/My invoice is wrong/);
    expect(texts).toMatch(/We fixed your invoice/);
    expect(texts).not.toContain('Unrelated other customer');
    for (const [name, data] of files) expect({ name, note: data.includes(staffNote) }).toEqual({ name, note: false });
    expect([...files.values()].some((b) => b.equals(PDF))).toBe(true);
    expect([...files.values()].some((b) => b.equals(Buffer.from(raw1)))).toBe(true);
    const signIn = JSON.parse(files.get('sign-in.json')!.toString());
    expect(signIn.sessions.length).toBeGreaterThanOrEqual(1);
  });

  it('contact:export on the command line: exit 2 on bad arguments, 0 with the ZIP written', async () => {
    const env = { DATABASE_URL: t.dbUrl, CHORUS_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'export-cli-')), CHORUS_SECRET: 'test-secret-0123456789abcdef', LOG_LEVEL: 'silent' };
    const saved = { ...process.env };
    Object.assign(process.env, env);
    const log = jest.spyOn(console, 'log').mockImplementation(() => {});
    const err = jest.spyOn(console, 'error').mockImplementation(() => {});
    const out = path.join(env.CHORUS_DATA_DIR, 'contact.zip');
    try {
      // Each run opens Chorus on the store: few runs, each a different refusal.
      expect(await runCli(['contact:export', '--bogus'])).toBe(2);
      expect(await runCli(['contact:export', '--contact', 'nobody@example.com', '--out', out])).toBe(2);
      expect(err.mock.calls.flat().join('\n')).toMatch(/No contact has the e-mail address nobody@example.com/);
      expect(await runCli(['contact:export', '--contact', 'cust@example.com', '--out', out])).toBe(0);
      expect(await runCli(['contact:export', '--contact', String(customerId), '--out', out])).toBe(2);
      expect(err.mock.calls.flat().join('\n')).toMatch(/already exists \(add --force/);
      const files = await readZip(fs.readFileSync(out));
      expect(JSON.parse(files.get('profile.json')!.toString()).contact.id).toBe(customerId);
      expect(log.mock.calls.flat().join('\n')).toMatch(/Wrote .*contact\.zip/);
    } finally {
      log.mockRestore();
      err.mockRestore();
      process.env = saved;
      fs.rmSync(env.CHORUS_DATA_DIR, { recursive: true, force: true });
    }
  }, 180_000);
});
