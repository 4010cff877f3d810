import { TicketEvent } from '../src/db/entities';
import { contactRepository } from '../src/db/repositories/contact.repository';
import { DB_KINDS, apiInbox, postSigned, startTestChorus, type TestChorus } from './helpers/test-chorus';
import { AgentClient } from './helpers/agent-client';
import { WebClient, signInByLink } from './helpers/web-client';

describe.each(DB_KINDS)('Community (%s)', (db) => {
  let t: TestChorus;
  beforeAll(async () => {
    t = await startTestChorus({ db });
  });
  afterAll(async () => t.stop());

  const reply = async (c: WebClient, ticketId: number, text: string) => {
    const page = await c.get(`/t/${ticketId}`);
    const loc = page.location ?? `/t/${ticketId}`;
    const html = (await c.get(loc)).html;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1];
    const fd = new FormData();
    fd.append('_csrf', csrf);
    fd.append('text', text);
    return fetch(`${t.url}/t/${ticketId}/replies`, { method: 'POST', body: fd, headers: { cookie: c.cookie, accept: 'application/json' } });
  };

  it('asks publicly, answers, votes, accepts: solved with the answerer recorded and reputation given', async () => {
    const ann = await signInByLink(t, 'ann@example.com');
    const bob = await signInByLink(t, 'bob@example.com');
    const asked = await ann.form('/community/ask', { title: 'How do I export my data?', body: 'Looking for a **CSV** export.', tags: 'export, billing' });
    expect(asked.status).toBe(303);
    const id = Number(/^\/community\/(\d+)-how-do-i-export-my-data$/.exec(asked.location!)![1]);

    const list = await new WebClient(t).get('/community?tab=unanswered');
    expect(list.html).toContain('How do I export my data?');
    expect(list.html).toContain('>export<');
    expect((await new WebClient(t).get('/community?q=EXPORT')).html).toContain('How do I export');
    expect((await new WebClient(t).get('/community?q=zebra')).html).not.toContain('How do I export');
    expect((await new WebClient(t).get('/community?tag=billing')).html).toContain('How do I export');

    expect((await reply(bob, id, 'Settings → Export → CSV.')).status).toBe(201);
    await t.api('POST', `/api/tickets/${id}/replies`, { text: 'Official: use Settings.', audience: 'public' });
    const detail = await t.api('GET', `/api/tickets/${id}`);
    const answer = detail.body.messages.find((m: any) => m.text === 'Settings → Export → CSV.');
    expect(answer.audience).toBe('public');
    const page = await new WebClient(t).get(asked.location!);
    expect(page.html).toMatch(/Official: use Settings\.[\s\S]*|Staff/);
    expect(page.html).toContain('>Staff<');

    const ownVote = await ann.form(`/community/posts/${answer.id}/vote`, { value: 'up' });
    expect(ownVote.status).toBe(303);
    expect((await bob.form(`/community/posts/${answer.id}/vote`, { value: 'up' })).status).toBe(403);

    // Bob cannot accept; Ann can.
    expect((await bob.form(`/community/posts/${answer.id}/accept`, {})).status).toBe(403);
    expect((await ann.form(`/community/posts/${answer.id}/accept`, {})).status).toBe(303);
    const after = await t.api('GET', `/api/tickets/${id}`);
    expect(after.body.ticket?.status ?? after.body.status).toBe('solved');
    const events = await t.s.db.m.getRepository(TicketEvent).findBy({ ticketId: id, type: 'accepted' });
    expect(events[0].data).toMatchObject({ messageId: answer.id, answerer: { type: 'contact' } });
    const bobContact = (await contactRepository.findIdentity(t.s.db.m, 'email', 'bob@example.com'))!;
    // Ann's upvote (+10) and her acceptance (+15).
    expect((await contactRepository.findById(t.s.db.m, bobContact.contactId))!.reputation).toBe(25);
    const solvedPage = await new WebClient(t).get(asked.location!);
    expect(solvedPage.html).toContain('Accepted answer');
    expect(solvedPage.html).toContain('25 rep');
    expect((await new WebClient(t).get('/community?tab=solved')).html).toContain('How do I export');
    expect(JSON.parse((await bob.get(`/api/web/tickets/${id}`)).html).messages.find((m: any) => m.id === answer.id).score).toBe(1);

    // The agent app calls the question a community one (not "Web form") in the inbox row and on
    // the ticket, and marks the accepted answer, and only that one, in the thread.
    const agent = new AgentClient(t);
    await agent.signIn(t.admin.email, t.admin.password);
    const solvedView = (await agent.get('/inbox?view=solved')).html;
    const row = new RegExp(`<li class="row" data-id="${id}"[\\s\\S]*?</li>`).exec(solvedView)?.[0];
    expect(row).toBeDefined();
    expect(row).toContain('aria-label="Community"');
    expect(row).not.toContain('aria-label="Web form"');
    const ticketPage = (await agent.get(`/tickets/${id}`)).html;
    expect(ticketPage).toMatch(/data-channel="community"[^]*?<span class="muted small">Community<\/span>/);
    const accepted = [...ticketPage.matchAll(/<li class="msg[^"]*\baccepted\b[^"]*"[^>]*data-id="(\d+)"/g)].map((x) => Number(x[1]));
    expect(accepted).toEqual([answer.id]);
    expect(ticketPage.match(/data-accepted-answer/g)).toHaveLength(1);
  });

  it('a private question stays out of the community and 404s for others', async () => {
    const cy = await signInByLink(t, 'cy@example.com');
    const asked = await cy.form('/community/ask', { title: 'My account number leaked', body: 'secret stuff', private: '1' });
    expect(asked.location).toMatch(/^\/t\/\d+$/);
    expect((await new WebClient(t).get('/community')).html).not.toContain('account number leaked');
    expect((await new WebClient(t).get(asked.location!)).status).toBe(404);
    expect((await (await signInByLink(t, 'dee@example.com')).get(asked.location!)).status).toBe(404);
    expect((await cy.get(asked.location!)).html).toContain('secret stuff');
  });

  it('flags go to a moderation queue; hide, restore and ban work', async () => {
    const ed = await signInByLink(t, 'ed@example.com');
    const fay = await signInByLink(t, 'fay@example.com');
    const asked = await ed.form('/community/ask', { title: 'Which plan is best?', body: 'Choosing a plan.' });
    const id = Number(/\/community\/(\d+)-/.exec(asked.location!)![1]);
    const res = await reply(fay, id, 'BUY CHEAP WATCHES');
    const spamId = ((await res.json()) as any).message.id;
    expect((await ed.form(`/community/posts/${spamId}/flag`, { reason: 'spam' })).status).toBe(303);
    const queue = await t.api('GET', '/api/moderation/flags');
    expect(queue.body.flags.find((f: any) => f.post.id === spamId)).toMatchObject({ reason: 'spam' });
    expect((await ed.get('/api/moderation/flags')).status).toBe(403);

    await t.api('POST', `/api/moderation/posts/${spamId}`, { action: 'hide' });
    expect((await new WebClient(t).get(asked.location!)).html).not.toContain('CHEAP WATCHES');
    expect((await fay.get(asked.location!)).html).toContain('CHEAP WATCHES');
    expect((await t.api('GET', '/api/moderation/flags')).body.flags.find((f: any) => f.post.id === spamId)).toBeUndefined();
    await t.api('POST', `/api/moderation/posts/${spamId}`, { action: 'restore' });
    expect((await new WebClient(t).get(asked.location!)).html).toContain('CHEAP WATCHES');

    const fayId = (await contactRepository.findIdentity(t.s.db.m, 'email', 'fay@example.com'))!.contactId;
    await t.api('POST', `/api/moderation/contacts/${fayId}/ban`, { banned: true });
    expect((await reply(fay, id, 'more spam')).status).toBe(403);
    expect((await fay.form('/community/ask', { title: 'Spam spam spam', body: 'x' })).status).toBe(403);
  });

  it('agents work the moderation queue from a page; members cannot see it', async () => {
    const hal = await signInByLink(t, 'hal@example.com');
    const ivy = await signInByLink(t, 'ivy@example.com');
    const asked = await hal.form('/community/ask', { title: 'Where are invoices stored?', body: 'Need last year.' });
    const id = Number(/\/community\/(\d+)-/.exec(asked.location!)![1]);
    const spamId = ((await (await reply(ivy, id, 'VISIT MY SHOP')).json()) as any).message.id;
    await hal.form(`/community/posts/${spamId}/flag`, { reason: 'advertising' });
    expect((await hal.get('/community/moderation')).status).toBe(404);

    const login = await fetch(`${t.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: t.admin.email, password: t.admin.password }) });
    const agent = new WebClient(t);
    agent.cookie = login.headers.get('set-cookie')!.split(';')[0];
    const queue = await agent.get('/community/moderation');
    expect(queue.html).toContain('VISIT MY SHOP');
    expect(queue.html).toContain('advertising');
    expect((await agent.form(`/community/moderation/${spamId}`, { action: 'ban' })).status).toBe(303);
    expect((await agent.get('/community/moderation')).html).not.toContain('VISIT MY SHOP');
    expect((await new WebClient(t).get(asked.location!)).html).not.toContain('VISIT MY SHOP');
    const ivyId = (await contactRepository.findIdentity(t.s.db.m, 'email', 'ivy@example.com'))!.contactId;
    expect((await contactRepository.findById(t.s.db.m, ivyId))!.banned).toBe(true);
  });

  it('agents take a thread public or private in place; participant-only messages never become public', async () => {
    const inbox = await apiInbox(t);
    const q = await postSigned(t, inbox, { externalId: 'vis-1', author: { id: 'g', email: 'gus@example.com' }, subject: 'Printer jams on duplex', text: 'PRIVATE-DETAIL my serial is 123' });
    const id = q.body.ticketId;
    await t.api('POST', `/api/tickets/${id}/replies`, { text: 'PRIVATE-ANSWER check your serial' });
    const pub = await t.api('POST', `/api/tickets/${id}/visibility`, { visibility: 'public' });
    expect(pub.body.ticket.url).toBe(`/community/${id}-printer-jams-on-duplex`);
    await t.api('POST', `/api/tickets/${id}/replies`, { text: 'Public fix: clean the roller.', audience: 'public' });
    const anonPage = await new WebClient(t).get(pub.body.ticket.url);
    expect(anonPage.status).toBe(200);
    expect(anonPage.html).toContain('Public fix: clean the roller.');
    expect(anonPage.html).not.toContain('PRIVATE-');
    expect(JSON.stringify((await new WebClient(t).get(`/api/web/tickets/${id}`)).html)).not.toContain('PRIVATE-');
    const gus = await signInByLink(t, 'gus@example.com');
    expect((await gus.get(pub.body.ticket.url)).html).toContain('PRIVATE-ANSWER');

    await t.api('POST', `/api/tickets/${id}/visibility`, { visibility: 'private' });
    expect((await new WebClient(t).get(pub.body.ticket.url)).status).toBe(404);
    expect((await new WebClient(t).get(`/t/${id}`)).status).toBe(404);
    const ev = await t.s.db.m.getRepository(TicketEvent).findBy({ ticketId: id, type: 'audience' });
    expect(ev.map((e) => e.data)).toEqual([{ from: 'private', to: 'public' }, { from: 'public', to: 'private' }]);
    expect((await (await signInByLink(t, 'nosy@example.com')).form(`/api/tickets/${id}/visibility`, { visibility: 'public' })).status).toBe(403);
  });
});
