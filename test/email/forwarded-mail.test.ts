import { createAgent } from '../../src/agents/create-agent';
import { OutboxItem } from '../../src/db/entities';
import { createInbox } from '../../src/inboxes/create-inbox';
import { AgentClient } from '../helpers/agent-client';
import { DB_KINDS, postRawEmail, startTestChorus, type TestChorus } from '../helpers/test-chorus';
import { signInByLink } from '../helpers/web-client';

const mail = (headers: Record<string, string>, body: string) =>
  `${Object.entries({ Date: new Date().toUTCString(), 'MIME-Version': '1.0', 'Content-Type': 'text/plain; charset=utf-8', ...headers }).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n${body}\r\n`;

// An agent forwards a customer's mail into the inbox: the customer is the requester (replies
// go to them), the agent's words are a staff note, and the thread link names the agent.
describe.each(DB_KINDS)('an agent forwards a customer mail (%s)', (db) => {
  let t: TestChorus;
  let inboxId: number;
  let n = 0;
  const post = (raw: string) => postRawEmail(t, inboxId, raw);
  const detail = async (id: number) => (await t.api('GET', `/api/tickets/${id}`)).body;

  beforeAll(async () => {
    t = await startTestChorus({ db });
    await createAgent(t.s.db, Date.now(), { email: 'ann@acme.test', name: 'Ann Agent', password: 'ann-password', role: 'agent' });
    const gone = await createAgent(t.s.db, Date.now(), { email: 'gone@acme.test', name: 'Gone Agent', password: 'gone-password', role: 'agent' });
    await t.s.db.write((m) => m.getRepository('Agent').update({ id: gone.id }, { active: false }));
    inboxId = (await createInbox(t.s.db, Date.now(), { name: 'Support', channel: 'email', address: 'support@acme.test', settings: { autoAck: { enabled: true, windowHours: 24 } } })).id;
  });
  afterAll(async () => t?.stop());

  it('makes the forwarded sender the requester, the agent\'s words a staff note, and replies go to the customer', async () => {
    const r = await post(mail({ From: 'Ann Agent <Ann@acme.test>', To: 'support@acme.test', Cc: 'boss@acme.test', Subject: 'Fwd: Broken hinge', 'Message-ID': `<fw${++n}@acme.test>` }, [
      'Can someone take this one? She is a VIP, keep it friendly.', '', '---------- Forwarded message ---------',
      'From: Jane Doe <jane@client.test>', 'Date: Tue, 1 Dec 2026 10:00:00 +0000', 'Subject: Broken hinge', 'To: Ann Agent <ann@acme.test>', '', 'My cupboard hinge broke after a week.',
    ].join('\r\n')));
    expect(r.state).toBe('processed');
    const d = await detail(r.ticketId);
    expect(d.ticket.subject).toBe('Broken hinge');
    const jane = (await t.api('GET', `/api/contacts/${d.ticket.requester.id}`)).body.contact;
    expect(jane.identities.map((i: any) => i.value)).toEqual(['jane@client.test']);
    expect(d.participants.map((p: any) => p.contactId)).toEqual([jane.id]);
    const [customer, note] = d.messages;
    expect(customer).toMatchObject({ author: { type: 'contact', id: jane.id }, audience: 'participants', text: 'My cupboard hinge broke after a week.', html: null, fullText: null });
    expect(customer.threadLink).toEqual({ rule: 'new', evidence: 'forwarded by Ann Agent <ann@acme.test>' });
    expect(note).toMatchObject({ author: { type: 'agent', name: 'Ann Agent' }, audience: 'staff', text: 'Can someone take this one? She is a VIP, keep it friendly.' });
    expect(d.events[0].data.forwardedBy).toBe('Ann Agent <ann@acme.test>');

    const agent = new AgentClient(t);
    await agent.signIn(t.admin.email, t.admin.password);
    const page = await agent.get(`/tickets/${r.ticketId}`);
    expect(page.html).toContain('forwarded by Ann Agent &lt;ann@acme.test&gt;');
    expect(page.html).toContain('Ticket opened from a mail forwarded by Ann Agent');

    // Replies go to the customer; the customer never sees the agent's words; no "we got it" to her.
    const reply = (await t.api('POST', `/api/tickets/${r.ticketId}/replies`, { text: 'We are sending a new hinge.' })).body.message;
    const items = await t.s.db.m.getRepository(OutboxItem).findBy({ ticketId: r.ticketId });
    expect(items.filter((i) => i.messageId === reply.id).map((i) => i.payload?.to)).toEqual(['jane@client.test']);
    expect(items.filter((i) => i.kind === 'email.auto-ack')).toEqual([]);
    const web = await signInByLink(t, 'jane@client.test');
    const seen = await fetch(`${t.url}/api/tickets/${r.ticketId}`, { headers: { cookie: web.cookie } }).then((x) => x.json() as Promise<any>);
    expect(seen.messages.map((m: any) => m.text)).toEqual(['My cupboard hinge broke after a week.', 'We are sending a new hinge.']);
    expect((await web.get(`/t/${r.ticketId}`)).html).not.toContain('VIP');
  });

  it('reads a forward attached as a message (message/rfc822), and a German WG: subject', async () => {
    const inner = mail({ From: 'Max Muster <max@kunde.test>', Subject: 'Lieferung', 'Message-ID': '<inner1@kunde.test>' }, 'Wo bleibt meine Lieferung?');
    const r = await post(mail({ From: 'ann@acme.test', To: 'support@acme.test', Subject: 'WG: Lieferung', 'Message-ID': `<fw${++n}@acme.test>`, 'Content-Type': 'multipart/mixed; boundary="X"' }, [
      '--X', 'Content-Type: text/plain; charset=utf-8', '', 'Bitte übernehmen.', '', '--X', 'Content-Type: message/rfc822', 'Content-Disposition: attachment; filename="Lieferung.eml"', '', inner, '--X--',
    ].join('\r\n')));
    const d = await detail(r.ticketId);
    expect(d.ticket).toMatchObject({ subject: 'Lieferung', requester: { name: 'Max Muster' } });
    expect(d.messages[0]).toMatchObject({ text: 'Wo bleibt meine Lieferung?', attachments: [] });
    expect(d.messages[1]).toMatchObject({ audience: 'staff', text: 'Bitte übernehmen.' });
  });

  it('leaves mail alone that is not an active agent forwarding: a customer\'s forward, an inactive agent, an agent\'s Outlook reply', async () => {
    const block = ['FYI', '', '---------- Forwarded message ---------', 'From: Someone <someone@else.test>', 'Subject: x', '', 'text'].join('\r\n');
    const cust = await detail((await post(mail({ From: 'carl@client.test', To: 'support@acme.test', Subject: 'Fwd: x', 'Message-ID': `<c${++n}@client.test>` }, block))).ticketId);
    expect((await t.api('GET', `/api/contacts/${cust.ticket.requester.id}`)).body.contact.identities.map((i: any) => i.value)).toEqual(['carl@client.test']);
    expect(cust.messages).toHaveLength(1);
    const gone = await detail((await post(mail({ From: 'gone@acme.test', To: 'support@acme.test', Subject: 'Fwd: x', 'Message-ID': `<g${++n}@acme.test>` }, block))).ticketId);
    expect(gone.messages).toHaveLength(1);
    expect(gone.messages[0].author.type).toBe('contact');
    const reply = ['Thanks, done.', '', '-----Original Message-----', 'From: Jane Doe [mailto:jane@client.test]', 'Subject: hinge', '', 'old text'].join('\r\n');
    const outlook = await detail((await post(mail({ From: 'ann@acme.test', To: 'support@acme.test', Subject: 'RE: hinge', 'Message-ID': `<o${++n}@acme.test>` }, reply))).ticketId);
    expect(outlook.messages).toHaveLength(1);
    expect(outlook.messages[0].threadLink.evidence).toBeNull();
    // A colleague's mail passed on is no customer's.
    const colleague = ['see this', '', '---------- Forwarded message ---------', 'From: Ada <' + t.admin.email + '>', 'Subject: plan', '', 'internal plan'].join('\r\n');
    const fromAda = await detail((await post(mail({ From: 'ann@acme.test', To: 'support@acme.test', Subject: 'Fwd: plan', 'Message-ID': `<p${++n}@acme.test>` }, colleague))).ticketId);
    expect(fromAda.messages).toHaveLength(1);
    expect(fromAda.messages[0].threadLink.evidence).toBeNull();
  });
});
