import { createAgent } from '../src/agents/create-agent';
import { OutboxItem } from '../src/db/entities';
import { createInbox } from '../src/inboxes/create-inbox';
import { AgentClient } from './helpers/agent-client';
import { DB_KINDS, postRawEmail, startTestChorus, type TestChorus } from './helpers/test-chorus';
import { signInByLink } from './helpers/web-client';
import { until } from './helpers/wait';

const mail = (headers: Record<string, string>, body: string) =>
  `${Object.entries({ Date: new Date().toUTCString(), 'MIME-Version': '1.0', 'Content-Type': 'text/plain; charset=utf-8', ...headers }).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n${body}\r\n`;

// Every accepted mail is findable: automatic mail becomes a flagged ticket in the "Automatic"
// view, out of triage (no auto-ack, no SLA, no round-robin), searchable, restorable in one click.
describe.each(DB_KINDS)('automatic mail on %s', (db) => {
  let t: TestChorus;
  let inboxId: number;
  let agent: AgentClient;
  let n = 0;
  const post = (raw: string) => postRawEmail(t, inboxId, raw);
  const acks = (ticketId: number) => t.s.db.m.getRepository(OutboxItem).findBy({ ticketId, kind: 'email.auto-ack' });

  beforeAll(async () => {
    t = await startTestChorus({ db });
    const rr = await createAgent(t.s.db, Date.now(), { email: 'rr@chorus.test', name: 'Rita Round', password: 'rita-password', role: 'agent' });
    const team = (await t.api('POST', '/api/teams', { name: 'Front', agentIds: [rr.id] })).body.team;
    const inbox = await createInbox(t.s.db, Date.now(), {
      name: 'Support', channel: 'email', address: 'help@auto.test', firstResponseMinutes: 60, defaultTeamId: team.id, settings: { autoAck: { enabled: true, windowHours: 24 } },
    });
    inboxId = inbox.id;
    await t.api('PATCH', `/api/inboxes/${inboxId}`, { roundRobin: true });
    agent = new AgentClient(t);
    await agent.signIn(t.admin.email, t.admin.password);
  });
  afterAll(async () => t?.stop());

  it('keeps an out-of-office reply out of triage, in the Automatic view with its reason, findable by search, and restores it in one click', async () => {
    const ooo = await post(mail({ From: 'Otto Away <otto@client.test>', To: 'help@auto.test', Subject: 'Out of office until Monday', 'Message-ID': `<ooo${++n}@client.test>`, 'Auto-Submitted': 'auto-replied' }, 'I am away sailing the zanzibarian coast until Monday.'));
    expect(ooo.state).toBe('processed');
    // A person's mail afterwards: once its ack and assignment are done, the automatic one's would be too.
    const human = await post(mail({ From: 'Hanna <hanna@client.test>', To: 'help@auto.test', Subject: 'Printer on fire', 'Message-ID': `<h${++n}@client.test>` }, 'Please help.'));
    await until('the person\'s ack', async () => (await acks(human.ticketId)).length > 0);
    await until('the person\'s assignment', async () => (await t.api('GET', `/api/tickets/${human.ticketId}`)).body.ticket.assignee);

    const d = (await t.api('GET', `/api/tickets/${ooo.ticketId}`)).body;
    expect(d.ticket).toMatchObject({ automatic: 'Auto-Submitted: auto-replied', assignee: null, slaDueAt: null, status: 'new' });
    expect(await acks(ooo.ticketId)).toEqual([]);

    // Counts may be computed behind the page on a busy machine: wait for the fresh ones.
    const fresh = (unassigned: number, automatic: number) => until('fresh inbox counts', async () => {
      const r = await agent.get('/inbox');
      return r.html.includes(`data-count="unassigned">${unassigned}<`) && r.html.includes(`data-count="automatic">${automatic}<`) && r;
    });
    const inbox = await fresh(0, 1);
    expect(inbox.html).toMatch(/data-count="unassigned">0</);
    expect(inbox.html).toMatch(/data-count="automatic">1</);
    expect(inbox.html).not.toContain('Out of office until Monday');
    expect((await agent.get('/inbox?view=open')).html).not.toContain('Out of office until Monday');
    expect((await agent.get(`/inbox?view=active&inbox=${inboxId}`)).html).not.toContain('Out of office until Monday');
    const view = await agent.get('/inbox?view=automatic');
    expect(view.html).toContain('Out of office until Monday');
    expect(view.html).toContain('<span class="pill automatic" title="Opened by automatic mail, kept out of triage">Auto-Submitted: auto-replied</span>');
    expect(view.html).toMatch(/<h1>Automatic<\/h1><span class="total" data-total>1 tickets/);

    const found = await t.api('GET', '/api/search?q=zanzibarian');
    expect(JSON.stringify(found.body)).toContain(`"ticketId":${ooo.ticketId}`);
    expect((await agent.get('/search?q=zanzibarian')).html).toContain(`/tickets/${ooo.ticketId}`);

    // Nor is it a conversation on the sender's own "My tickets" page.
    const otto = await signInByLink(t, 'otto@client.test');
    const my = await otto.get('/my');
    expect(my.status).toBe(200);
    expect(my.html).toContain('My tickets');
    expect(my.html).not.toContain('Out of office until Monday');

    const page = await agent.get(`/tickets/${ooo.ticketId}`);
    expect(page.html).toContain('data-automatic');
    expect(page.html).toContain(`action="/tickets/${ooo.ticketId}/restore"`);
    const restored = await agent.post(`/tickets/${ooo.ticketId}/restore`, {});
    expect(restored).toMatchObject({ status: 303, location: `/tickets/${ooo.ticketId}` });
    const after = (await t.api('GET', `/api/tickets/${ooo.ticketId}`)).body;
    expect(after.ticket.automatic).toBeNull();
    expect(after.ticket.slaDueAt).not.toBeNull();
    expect(after.events.at(-1)).toMatchObject({ type: 'restored', actor: { type: 'agent', id: t.admin.id }, data: { automatic: 'Auto-Submitted: auto-replied' } });
    const back = await fresh(1, 0);
    expect(back.html).toMatch(/data-count="unassigned">1</);
    expect(back.html).toMatch(/data-count="automatic">0</);
    expect(back.html).toContain('Out of office until Monday');
    expect((await agent.get(`/tickets/${ooo.ticketId}`)).html).toContain('Restored to the inbox (had been automatic: Auto-Submitted: auto-replied)');
  });

  it('keeps list mail and machine notifications as automatic tickets', async () => {
    const list = await post(mail({ From: 'Dev list <dev@lists.test>', To: 'help@auto.test', Subject: 'Digest 42', 'Message-ID': `<l${++n}@lists.test>`, Precedence: 'list' }, 'Today on the list'));
    const note = await post(mail({ From: 'billing@saas.test', To: 'help@auto.test', Subject: 'Your invoice', 'Message-ID': `<b${++n}@saas.test>`, 'Feedback-ID': '1.eu:ses' }, 'Invoice attached'));
    const rows = (await t.api('GET', '/api/tickets?automatic=only&limit=200')).body.tickets;
    expect(rows.filter((x: any) => [list.ticketId, note.ticketId].includes(x.id)).map((x: any) => x.automatic).sort()).toEqual(['Precedence: list', 'machine notification']);
  });

  it('keeps a bounce of our reply on the customer\'s ticket for agents only, and marks the reply failed', async () => {
    const q = await post(mail({ From: 'Cara <cara@client.test>', To: 'help@auto.test', Subject: 'Where is my order', 'Message-ID': `<c${++n}@client.test>` }, 'Order 77 is late.'));
    const reply = (await t.api('POST', `/api/tickets/${q.ticketId}/replies`, { text: 'It ships today.' })).body.message;
    const sent = await until('our Message-ID', async () => (await t.api('GET', `/api/tickets/${q.ticketId}`)).body.messages.find((m: any) => m.id === reply.id && m.emailMessageId));
    const report = mail({
      From: 'Mail Delivery System <MAILER-DAEMON@mx.client.test>', To: 'help@auto.test', Subject: 'Undelivered Mail Returned to Sender', 'Message-ID': `<bounce${++n}@mx.client.test>`,
      'Auto-Submitted': 'auto-replied', 'Content-Type': 'multipart/report; report-type=delivery-status; boundary="B"',
    }, [
      '--B', 'Content-Type: text/plain', '', 'Your message could not be delivered: internal relay mx7.corp.local said 550 5.1.1 user unknown', '',
      '--B', 'Content-Type: message/delivery-status', '', 'Reporting-MTA: dns; mx.client.test', '', 'Final-Recipient: rfc822; cara@client.test', 'Status: 5.1.1', 'Diagnostic-Code: smtp; 550 5.1.1 user unknown', '',
      '--B', 'Content-Type: text/rfc822-headers', '', `Message-ID: ${sent.emailMessageId}`, 'Subject: Re: Where is my order', '', '--B--',
    ].join('\r\n'));
    const b = await post(report);
    expect(b).toMatchObject({ state: 'processed', ticketId: q.ticketId });
    const d = (await t.api('GET', `/api/tickets/${q.ticketId}`)).body;
    expect(d.ticket.automatic).toBeNull();
    expect(d.messages.find((m: any) => m.id === reply.id)).toMatchObject({ deliveryState: 'failed', deliveryError: expect.stringContaining('550 5.1.1') });
    expect(d.messages.find((m: any) => m.id === b.messageId)).toMatchObject({ audience: 'staff', threadLink: { rule: 'bounce' } });
    expect((await agent.get(`/tickets/${q.ticketId}`)).html).toContain('A delivery report about our message');

    // The customer sees their thread without the report, on the JSON API and on their page.
    const cara = await signInByLink(t, 'cara@client.test');
    const mine = await fetch(`${t.url}/api/tickets/${q.ticketId}`, { headers: { cookie: cara.cookie } }).then((r) => r.json() as Promise<any>);
    expect(mine.messages.map((m: any) => m.id)).toContain(reply.id);
    expect(mine.messages.map((m: any) => m.id)).not.toContain(b.messageId);
    const web = await cara.get(`/t/${q.ticketId}`);
    expect(web.status).toBe(200);
    expect(web.html).toContain('It ships today.');
    expect(web.html).not.toContain('mx7.corp.local');
  });
});
