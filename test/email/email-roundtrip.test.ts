import nodemailer, { type Transporter } from 'nodemailer';
import { smtpPorts } from '../../src/channels/email/email.module';
import { createInbox } from '../../src/inboxes/create-inbox';
import { AgentClient } from '../helpers/agent-client';
import { DB_KINDS, startTestChorus, type TestChorus } from '../helpers/test-chorus';
import { waitFor } from '../helpers/wait';
import { captureSmtp } from '../helpers/smtp-capture';

describe.each(DB_KINDS)('e-mail in and out with real SMTP (%s)', (db) => {
  let t: TestChorus;
  let relay: Awaited<ReturnType<typeof captureSmtp>>;
  let client: Transporter;
  beforeAll(async () => {
    relay = await captureSmtp();
    t = await startTestChorus({ db, env: { CHORUS_SMTP_ENABLED: 'true', CHORUS_SMTP_PORT: '0', HOST: '127.0.0.1', SMTP_URL: `smtp://127.0.0.1:${relay.port}` } });
    await createInbox(t.s.db, Date.now(), { name: 'Support', channel: 'email', address: 'support@acme.test' });
    client = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPorts.get(t.s)!, secure: false, ignoreTLS: true });
  });
  afterAll(async () => {
    await t.stop();
    await relay.close();
  });

  it('turns mail into a ticket, sends the reply with threading headers, and threads the answer back', async () => {
    await client.sendMail({ from: 'Grace Hopper <grace@example.com>', to: 'support@acme.test', cc: 'Ada <ada@example.com>', subject: 'Invoice is wrong', text: 'The total is off by one.', messageId: '<first@example.com>' });
    const list = await waitFor(() => t.api('GET', '/api/tickets?channel=email'), (r) => r.body.tickets?.some((x: any) => x.subject === 'Invoice is wrong'));
    const ticket = list.body.tickets.find((x: any) => x.subject === 'Invoice is wrong');
    expect(ticket.requester.name).toBe('Grace Hopper');

    await t.api('POST', `/api/tickets/${ticket.id}/notes`, { text: 'STAFF: customer is on the old plan' });
    await t.api('POST', `/api/tickets/${ticket.id}/replies`, { text: 'Sorry about that, fixed!' });
    const out = await waitFor(() => relay.mails, (m) => m.length >= 1);
    expect(out).toHaveLength(1);
    const mail = out[0];
    expect(mail.subject).toBe(`Re: Invoice is wrong [#${ticket.id}]`);
    expect(mail.inReplyTo).toBe('<first@example.com>');
    expect(mail.messageId).toMatch(/^<chorus\.m\d+\.[0-9a-f]+@acme\.test>$/);
    expect((mail.replyTo as any).value[0].address).toMatch(new RegExp(`^support\\+t${ticket.id}-[0-9a-f]{16}@acme\\.test$`));
    expect((mail.to as any).value[0].address).toBe('grace@example.com');
    expect((mail.cc as any).value[0].address).toBe('ada@example.com');
    expect(mail.text).toContain('Sorry about that, fixed!');
    expect(relay.raws[0].toString()).not.toContain('STAFF');

    // The customer answers the mail they got: it lands in the same ticket and says why.
    await client.sendMail({
      from: 'grace@example.com', to: (mail.replyTo as any).value[0].address, subject: `Re: ${mail.subject}`,
      inReplyTo: mail.messageId, references: [mail.messageId!], text: `Thanks!\n\nOn Sun, Nov 22, 2026 Support wrote:\n> Sorry about that, fixed!`,
    });
    const detail = await waitFor(() => t.api('GET', `/api/tickets/${ticket.id}`), (d) => d.body.messages.length >= 4);
    const last = detail.body.messages.at(-1);
    expect(last).toMatchObject({ text: 'Thanks!', threadLink: { rule: 'in-reply-to', evidence: mail.messageId } });
    expect(last.fullText).toContain('> Sorry about that, fixed!');
    const sent = detail.body.messages.find((m: any) => m.direction === 'outbound');
    expect(sent.deliveryState).toBe('sent');
  });

  it('threads a reply to our own mail from the customer\'s other address, and lets an agent add that address to them', async () => {
    await client.sendMail({ from: 'Grace Brewster <gb@example.com>', to: 'support@acme.test', subject: 'Login broken', text: 'I cannot sign in.', messageId: '<login1@example.com>' });
    const list = await waitFor(() => t.api('GET', '/api/tickets?channel=email'), (r) => r.body.tickets?.some((x: any) => x.subject === 'Login broken'));
    const ticket = list.body.tickets.find((x: any) => x.subject === 'Login broken');
    await t.api('POST', `/api/tickets/${ticket.id}/replies`, { text: 'Try resetting your password.' });
    const out = await waitFor(() => relay.mails.find((x) => x.subject?.includes(`[#${ticket.id}]`)), (m) => !!m);
    const ours = out!.messageId!;

    // A Message-ID of the customer's own mail proves nothing: a stranger quoting it stays out.
    await client.sendMail({ from: 'nosy@elsewhere.example', to: 'support@acme.test', subject: 'Re: Login broken', text: 'me too', inReplyTo: '<login1@example.com>' });
    await client.sendMail({ from: 'Grace at home <grace.b@home.example>', to: 'support@acme.test', subject: `Re: Login broken [#${ticket.id}]`, text: 'Still broken, writing from home.', inReplyTo: ours, references: [ours] });
    const detail = await waitFor(() => t.api('GET', `/api/tickets/${ticket.id}`), (d) => d.body.messages.length >= 3);
    expect(detail.body.messages.map((m: any) => m.text)).toEqual(['I cannot sign in.', 'Try resetting your password.', 'Still broken, writing from home.']);
    expect(detail.body.messages[2].threadLink).toMatchObject({ rule: 'in-reply-to', evidence: `${ours} (our mail, answered from an address not on the ticket)` });
    const nosy = await waitFor(() => t.api('GET', '/api/tickets?channel=email'), (r) => r.body.tickets?.some((x: any) => x.requester?.name === 'nosy'));
    expect(nosy.body.tickets.find((x: any) => x.requester?.name === 'nosy').id).not.toBe(ticket.id);

    const agent = new AgentClient(t);
    await agent.signIn(t.admin.email, t.admin.password);
    const page = await agent.get(`/tickets/${ticket.id}`);
    expect(page.html).toContain('Add grace.b@home.example to Grace Brewster');
    const action = /action="(\/tickets\/\d+\/messages\/\d+\/add-address)"/.exec(page.html)![1];
    // Customers and strangers cannot: the route is for staff.
    expect((await fetch(t.url + action, { method: 'POST' })).headers.get('location') ?? '').not.toContain(`/tickets/${ticket.id}`);
    const done = await agent.post(action, {});
    expect(done.status).toBe(303);
    const contact = await t.api('GET', `/api/contacts/${detail.body.ticket.requester.id}`);
    expect(contact.body.contact.identities.map((i: any) => i.value)).toEqual(expect.arrayContaining(['gb@example.com', 'grace.b@home.example']));
    const after = await agent.get(`/tickets/${ticket.id}`);
    expect(after.html).not.toContain('Add grace.b@home.example');
    expect(after.html).toContain('grace.b@home.example added to Grace Brewster');
    expect((await t.api('GET', `/api/tickets/${ticket.id}`)).body.messages[2].author.id).toBe(detail.body.ticket.requester.id);
  });

  it('refuses other recipients at RCPT and shows a refused reply as failed with the reason', async () => {
    await expect(client.sendMail({ from: 'x@example.com', to: 'nobody@elsewhere.test', subject: 'hi', text: 'hi' })).rejects.toThrow(/550/);
    await client.sendMail({ from: 'lin@example.com', to: 'support+sales@acme.test', subject: 'Plus address', text: 'via a tag', messageId: '<plus@example.com>' });
    const list = await waitFor(() => t.api('GET', '/api/tickets?channel=email'), (r) => r.body.tickets?.some((x: any) => x.subject === 'Plus address'));
    const ticket = list.body.tickets.find((x: any) => x.subject === 'Plus address');
    relay.refuse(true);
    const reply = await t.api('POST', `/api/tickets/${ticket.id}/replies`, { text: 'answer' });
    const failed = await waitFor(() => t.api('GET', `/api/tickets/${ticket.id}`), (d) => d.body.messages.find((m: any) => m.id === reply.body.message.id).deliveryState === 'failed');
    expect(failed.body.messages.find((m: any) => m.id === reply.body.message.id).deliveryError).toMatch(/refused the message: 550/);
    relay.refuse(false);
  });

  it('acknowledges a new ticket once per sender per window, never an auto-reply, and keeps the raw original', async () => {
    await createInbox(t.s.db, Date.now(), { name: 'Sales', channel: 'email', address: 'sales@acme.test', settings: { autoAck: { enabled: true, windowHours: 24 } } });
    const before = relay.mails.length;
    await client.sendMail({ from: 'kim@example.com', to: 'sales@acme.test', subject: 'Quote please', text: 'How much?' });
    await client.sendMail({ from: 'kim@example.com', to: 'sales@acme.test', subject: 'Another thing', text: 'And shipping?' });
    await client.sendMail({ from: 'bot@example.com', to: 'sales@acme.test', subject: 'Out of office', text: 'Away', headers: { 'Auto-Submitted': 'auto-replied' } });
    // Not a time window: every one of the three mails is stored, every ack handler has run, and
    // the outbox holds nothing unsent; only then is the count of acks final.
    const ledger = () => t.s.db.m.query("SELECT COUNT(*) AS n FROM inbound_items WHERE state = 'received'");
    const stored = await waitFor(async () => (await t.api('GET', '/api/tickets?channel=email&automatic=include&limit=200')).body.tickets.map((x: any) => x.subject), (s: string[]) => ['Quote please', 'Another thing', 'Out of office'].every((x) => s.includes(x)));
    expect(stored).toEqual(expect.arrayContaining(['Quote please', 'Another thing', 'Out of office']));
    await waitFor(async () => Number((await ledger())[0].n), (n) => n === 0);
    await t.s.bus.drain();
    await waitFor(async () => Number((await t.s.db.m.query("SELECT COUNT(*) AS n FROM outbox_items WHERE kind = 'email.auto-ack' AND state = 'queued'"))[0].n), (n) => n === 0);
    const acks = relay.mails.slice(before);
    expect(acks).toHaveLength(1);
    expect((acks[0].to as any).value[0].address).toBe('kim@example.com');
    expect(acks[0].headers.get('auto-submitted')).toBe('auto-replied');

    const list = await t.api('GET', '/api/tickets?channel=email&limit=200');
    const quote = list.body.tickets.find((x: any) => x.subject === 'Quote please');
    const msg = (await t.api('GET', `/api/tickets/${quote.id}`)).body.messages[0];
    const raw = await fetch(`${t.url}/api/messages/${msg.id}/raw`, { headers: { authorization: `Bearer ${t.admin.token}` } });
    expect(raw.headers.get('content-type')).toBe('message/rfc822');
    expect(await raw.text()).toMatch(/^Subject: Quote please/m);
    expect((await fetch(`${t.url}/api/messages/${msg.id}/raw`)).status).toBe(401);
  });
});
