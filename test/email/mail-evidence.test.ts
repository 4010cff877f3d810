import nodemailer, { type Transporter } from 'nodemailer';
import { smtpPorts } from '../../src/channels/email/email.module';
import { OutboxItem } from '../../src/db/entities';
import { createInbox } from '../../src/inboxes/create-inbox';
import { AgentClient } from '../helpers/agent-client';
import { DB_KINDS, startTestChorus, type TestChorus } from '../helpers/test-chorus';
import { waitFor } from '../helpers/wait';

const crlf = (s: string) => s.replace(/\r?\n/g, '\r\n');

// Mail through the real SMTP listener and the raw-email door, checked the way an agent sees it.
describe.each(DB_KINDS)('what an e-mail says about itself (%s)', (db) => {
  let t: TestChorus;
  let client: Transporter;
  let agent: AgentClient;
  let inboxId: number;
  const tickets = async () => (await t.api('GET', '/api/tickets?channel=email&limit=200')).body.tickets as any[];
  const bySubject = (subject: string) => waitFor(tickets, (l) => l.some((x) => x.subject === subject)).then((l) => l.find((x) => x.subject === subject));
  const detail = async (id: number) => (await t.api('GET', `/api/tickets/${id}`)).body;
  const sendRaw = (envelopeFrom: string, raw: string) => client.sendMail({ envelope: { from: envelopeFrom, to: ['help@acme.test'] }, raw: crlf(raw) });
  const postRaw = (raw: string) => fetch(`${t.url}/api/inboxes/${inboxId}/raw-email`, { method: 'POST', headers: { authorization: `Bearer ${t.admin.token}`, 'content-type': 'message/rfc822' }, body: raw });

  beforeAll(async () => {
    t = await startTestChorus({ db, env: { CHORUS_SMTP_ENABLED: 'true', CHORUS_SMTP_PORT: '0', HOST: '127.0.0.1' } });
    inboxId = (await createInbox(t.s.db, Date.now(), { name: 'Help', channel: 'email', address: 'help@acme.test', settings: { autoAck: { enabled: true, windowHours: 24 } } })).id;
    client = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPorts.get(t.s)!, secure: false, ignoreTLS: true });
    agent = new AgentClient(t);
    await agent.signIn(t.admin.email, t.admin.password);
  });
  afterAll(async () => t.stop());

  it('opens a normal ticket for a noreply sender without automatic headers, sends it no auto-ack and warns the composer', async () => {
    await client.sendMail({ from: 'Shop <noreply@shop.example>', to: 'help@acme.test', subject: 'New order 1042', text: 'Kim ordered two lamps and asks when they ship.' });
    await client.sendMail({ from: 'Kim <kim@example.test>', to: 'help@acme.test', subject: 'Where is my lamp?', text: 'Ordered last week.' });
    const order = await bySubject('New order 1042');
    const kim = await bySubject('Where is my lamp?');
    const acks = () => t.s.db.m.getRepository(OutboxItem).findBy({ kind: 'email.auto-ack' });
    await waitFor(acks, (a) => a.some((x) => x.ticketId === kim.id));
    expect((await acks()).filter((x) => x.ticketId === order.id)).toEqual([]);
    expect(order.status).toBe('new');
    expect((await detail(order.id)).ticket.automatic).toBeNull();
    expect((await detail(order.id)).messages[0].flags).toMatchObject({ noReplySender: 'noreply@shop.example' });

    const page = await agent.get(`/tickets/${order.id}`);
    expect(page.html).toMatch(/data-noreply-warning[^>]*>noreply@shop\.example looks like a no-reply address: the sender may not read replies\./);
    expect((await agent.get(`/tickets/${kim.id}`)).html).not.toContain('data-noreply-warning');
  });

  it('takes the author from the envelope when From is missing, and shows the agent where it came from', async () => {
    await sendRaw('pat@example.test', 'To: help@acme.test\nSubject: No From at all\nMessage-ID: <nofrom-1@example.test>\n\nMy mail client lost the From line.\n');
    const tk = await bySubject('No From at all');
    const d = await detail(tk.id);
    expect(d.ticket.requester.name).toBe('pat');
    expect(d.messages[0].flags.authorSource).toEqual({ source: 'envelope', reason: 'the mail has no From header' });
    // The envelope is in the stored original, so a replay of the ledger row sees it too.
    const raw = await (await fetch(`${t.url}/api/messages/${d.messages[0].id}/raw`, { headers: { authorization: `Bearer ${t.admin.token}` } })).text();
    expect(raw).toMatch(/^X-Chorus-Envelope-From: <pat@example\.test>\r\n/);
    expect((await agent.get(`/tickets/${tk.id}`)).html).toContain('Author taken from the envelope sender (MAIL FROM) because the mail has no From header.');

    await sendRaw('bounces@list.example', 'From: "Lee" <>\nSender: Lee Office <office@lee.example>\nTo: help@acme.test\nSubject: Empty From address\n\nhello\n');
    await sendRaw('x@two.example', 'From: one@two.example\nFrom: two@two.example\nReply-To: Sam <sam@two.example>\nTo: help@acme.test\nSubject: Two From headers\n\nhello\n');
    const lee = await detail((await bySubject('Empty From address')).id);
    expect([lee.ticket.requester.name, lee.messages[0].flags.authorSource.source]).toEqual(['Lee Office', 'sender']);
    const sam = await detail((await bySubject('Two From headers')).id);
    expect([sam.ticket.requester.name, sam.messages[0].flags.authorSource]).toEqual(['Sam', { source: 'reply-to', reason: 'the mail has 2 From headers' }]);
  });

  it('stores two different mails that share a Message-ID, lands a redelivery once across transports, and threads replies to each', async () => {
    const a = 'From: Ana <ana@example.test>\nTo: help@acme.test\nSubject: Broken mailer A\nDate: Mon, 1 Dec 2025 10:00:00 +0000\nMessage-ID: <same-id@broken.example>\n\nFirst mail.\n';
    const b = 'From: Ben <ben@example.test>\nTo: help@acme.test\nSubject: Broken mailer B\nDate: Mon, 1 Dec 2025 11:00:00 +0000\nMessage-ID: <same-id@broken.example>\n\nA different mail.\n';
    await sendRaw('ana@example.test', a);
    await sendRaw('ben@example.test', b);
    const ta = await bySubject('Broken mailer A');
    const tb = await bySubject('Broken mailer B');
    expect(ta.id).not.toBe(tb.id);

    // The same mail again: by raw POST with LF line ends and the trace fields a delivery adds.
    const again = await postRaw(`Return-Path: <ana@example.test>\nDelivered-To: help@acme.test\nReceived: from mx.example by mx2.example; Mon, 1 Dec 2025 10:00:05 +0000\n${a}`);
    expect([again.status, ((await again.json()) as any).duplicate]).toEqual([200, true]);
    expect((await detail(ta.id)).messages).toHaveLength(1);

    for (const [who, ticket] of [['Ana <ana@example.test>', ta], ['Ben <ben@example.test>', tb]] as const) {
      await sendRaw('x@example.test', `From: ${who}\nTo: help@acme.test\nSubject: Re: follow-up from ${ticket.id}\nIn-Reply-To: <same-id@broken.example>\nMessage-ID: <re-${ticket.id}@example.test>\n\nAny news?\n`);
      const d = await waitFor(() => detail(ticket.id), (x) => x.messages.length === 2);
      expect(d.messages[1].threadLink.rule).toBe('in-reply-to');
    }
  });

  it('shows each message with the name it arrived with, and names a sender without one by the local part', async () => {
    await client.sendMail({ from: 'Dana Smith <dana@example.test>', to: 'help@acme.test', subject: 'Name history', text: 'one', messageId: '<names-1@example.test>' });
    const tk = await bySubject('Name history');
    await client.sendMail({ from: 'Dana S. Finance <dana@example.test>', to: 'help@acme.test', subject: 'Re: Name history', text: 'two', inReplyTo: '<names-1@example.test>' });
    const d = await waitFor(() => detail(tk.id), (x) => x.messages.length === 2);
    expect(d.messages.map((m: any) => m.author.name)).toEqual(['Dana Smith', 'Dana S. Finance']);
    const page = await agent.get(`/tickets/${tk.id}`);
    expect(page.html).toMatch(/class="author">Dana Smith<[\s\S]*class="author">Dana S\. Finance</);

    await client.sendMail({ from: 'jo.bloggs@example.test', to: 'help@acme.test', subject: 'No display name', text: 'hi' });
    expect((await detail((await bySubject('No display name')).id)).messages[0].author.name).toBe('jo.bloggs');
  });
});
