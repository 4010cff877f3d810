import path from 'node:path';
import { createAgent } from '../src/agents/create-agent';
import { OutboxItem } from '../src/db/entities';
import { Mailer } from '../src/mail/mailer';
import { ROOT } from '../src/paths';
import { findMentions } from '../src/tickets/commands/mention-agents';
import { apiInbox, connectSocket, DB_KINDS, nextEvent, postSigned, startTestChorus, type TestChorus } from './helpers/test-chorus';
import { AgentClient } from './helpers/agent-client';
import { signInByLink } from './helpers/web-client';
import { settled, waitFor } from './helpers/wait';

describe.each(DB_KINDS)('Agent web on %s: sign-in, inbox, ticket page, search', (db) => {
  let t: TestChorus;
  let inbox: { id: number; secret: string };
  let agent: AgentClient;
  let bo: { id: number };

  beforeAll(async () => {
    t = await startTestChorus({ db });
    inbox = await apiInbox(t);
    bo = await createAgent(t.s.db, Date.now(), { email: 'bo@chorus.test', name: 'Bo Berg', password: 'bo-password', role: 'agent' });
    agent = new AgentClient(t);
  });
  afterAll(async () => t?.stop());

  // A customer message through the signed API channel; the same threadKey continues a ticket.
  const ask = async (externalId: string, subject: string, text: string, audience = 'participants', author: Record<string, string> = { id: 'c1', name: 'Cleo Customer' }, threadKey?: string) => {
    const r = await postSigned(t, inbox, { externalId, author, subject, text, audience: audience === 'public' ? 'public' : 'private', threadKey: threadKey ?? externalId });
    if (r.status !== 202) throw new Error(`ingest failed: ${JSON.stringify(r.body)}`);
    return r.body as { ticketId: number; messageId: number };
  };

  it('sends a signed-out agent to the sign-in page and back after signing in', async () => {
    const anon = new AgentClient(t);
    const r = await anon.get('/inbox?view=mine');
    expect(r.status).toBe(303);
    expect(r.location).toBe('/login?next=%2Finbox%3Fview%3Dmine');
    const bad = await anon.post('/login', { email: t.admin.email, password: 'wrong', next: '/inbox?view=mine' });
    expect(bad.status).toBe(401);
    expect(bad.html).toContain('That e-mail and password do not match.');
    expect(bad.html).toContain(`value="${t.admin.email}"`);
    const empty = await anon.post('/login', { email: 'not-an-address', password: '' });
    expect(empty.status).toBe(422);
    expect(empty.html).toContain('Enter a valid e-mail address.');
    const ok = await anon.post('/login', { email: t.admin.email, password: t.admin.password, next: '/inbox?view=mine' });
    expect(ok.status).toBe(303);
    expect(ok.location).toBe('/inbox?view=mine');
    // Never off-site.
    const evil = await new AgentClient(t).post('/login', { email: t.admin.email, password: t.admin.password, next: '//evil.example/x' });
    expect(evil.location).toBe('/inbox');
    await anon.get('/inbox?view=mine');
    const out = await anon.post('/logout', {});
    expect(out.location).toBe('/login');
    expect((await anon.get('/inbox')).status).toBe(303);
  });

  it('lists tickets in views with counts, pages, refreshes live and applies bulk actions', async () => {
    await agent.signIn(t.admin.email, t.admin.password);
    const a = await ask('inbox-1', 'Invoice shows the wrong VAT number', 'Our VAT id changed last month.');
    const b = await ask('inbox-2', 'Cannot reset my password', 'The reset mail never arrives.');
    // Counts may be computed behind the page on a busy machine: wait for the fresh ones.
    const page = await waitFor(() => agent.get('/inbox'), (r) => /data-count="unassigned">2</.test(r.html));
    expect(page.status).toBe(200);
    expect(page.html).toContain('Invoice shows the wrong VAT number');
    expect(page.html).toContain('Cleo Customer');
    expect(page.html).toMatch(/data-count="unassigned">2</);

    const bulk = await agent.post('/inbox/bulk', { ids: [String(a.ticketId), String(b.ticketId)], assignee: 'me', tag: 'billing' });
    expect(bulk.status).toBe(303);
    const mine = await waitFor(() => agent.get('/inbox?view=mine'), (r) => /data-count="mine">2</.test(r.html) && /data-count="unassigned">0</.test(r.html));
    expect(mine.html).toMatch(/data-count="mine">2</);
    expect(mine.html).toMatch(/data-count="unassigned">0</);
    expect(mine.html).toContain('<span class="tag">billing</span>');

    const live = await waitFor(() => fetch(`${t.url}/inbox/live?view=mine`, { headers: { cookie: agent.cookie, accept: 'application/json' } }).then((r) => r.json() as Promise<any>), (l) => l.counts.mine === 2 && l.counts['tag:billing'] === 2);
    expect(live.counts.mine).toBe(2);
    expect(live.counts['tag:billing']).toBe(2);
    expect(live.ids).toEqual([b.ticketId, a.ticketId]);
    expect(live.html).toContain(`data-id="${a.ticketId}"`);

    // A bulk status move the rules refuse is reported, the rest applied.
    const res = await fetch(`${t.url}/inbox/bulk`, {
      method: 'POST', headers: { cookie: agent.cookie, accept: 'application/json', 'content-type': 'application/json', 'x-csrf-token': agent.csrf },
      body: JSON.stringify({ ids: [String(a.ticketId)], status: 'pending' }),
    }).then((r) => r.json());
    expect(res).toEqual({ updated: 1, failed: [] });
    const nothing = await agent.post('/inbox/bulk', { ids: [String(a.ticketId)] }, { accept: 'application/json' });
    expect(nothing.status).toBe(422);
    expect(nothing.html).toContain('Choose what to change');

    // Saved views keep the filters.
    const saved = await agent.post('/inbox/views', { name: 'Billing to do', query: 'view=active&tag=billing&bogus=1' });
    expect(saved.location).toBe('/inbox?view=active&tag=billing');
    expect((await agent.get('/inbox')).html).toContain('Billing to do');
  });

  it('pages with a cursor and by priority', async () => {
    for (let i = 0; i < 55; i++) await ask(`page-${i}`, `Bulk question ${i}`, 'same text');
    const first = await agent.get('/inbox?view=all');
    const next = /href="([^"]+)" rel="next"/.exec(first.html)?.[1].replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');
    expect(next).toBeDefined();
    const second = await agent.get(next!);
    expect(second.html).toContain('Bulk question 4<');
    expect(first.html).not.toContain('Bulk question 4<');
    // Priority order: urgent, then high, then the rest, each newest first; pages never repeat a row.
    const ids = async (p: string) => [...(await agent.get(p)).html.matchAll(/<li class="row" data-id="(\d+)"/g)].map((m) => Number(m[1]));
    const all = await ids('/inbox?view=all');
    const [u, h1, h2] = [all[40], all[10], all[30]];
    await t.api('PATCH', `/api/tickets/${u}`, { priority: 'urgent' });
    await t.api('PATCH', `/api/tickets/${h1}`, { priority: 'high' });
    await t.api('PATCH', `/api/tickets/${h2}`, { priority: 'high' });
    const p1 = await ids('/inbox?view=all&sort=priority');
    const p2 = await ids('/inbox?view=all&sort=priority&page=2');
    expect(p1.slice(0, 3)).toEqual([u, h1, h2]);
    expect(p1).toHaveLength(50);
    expect(p1.filter((x) => p2.includes(x))).toEqual([]);
    expect(new Set([...p1, ...p2]).size).toBe(all.length + (await ids(next!)).length);
    expect((await agent.get('/inbox?sort=sideways')).status).toBe(400);
  });

  it('the ticket page shows audiences and the thread link; the composer posts notes, replies and the stale guard without script', async () => {
    const q = await ask('tp-1', 'Export to CSV breaks on accents', 'Names like Zoë come out garbled.');
    const p = await agent.get(`/tickets/${q.ticketId}`);
    expect(p.status).toBe(200);
    expect(p.html).toContain('Export to CSV breaks on accents');
    expect(p.html).toContain('Why is this message here?');
    const lastSeen = /name="lastSeenMessageId" value="(\d+)"/.exec(p.html)![1];

    const note = await agent.post(`/tickets/${q.ticketId}/compose`, { target: 'note', text: 'Internal: @bo this is the UTF-8 BOM bug again', lastSeenMessageId: lastSeen });
    expect(note.status).toBe(303);
    const after = await agent.get(`/tickets/${q.ticketId}`);
    expect(after.html).toContain('UTF-8 BOM bug');
    expect(after.html).toContain('<span class="aud aud-staff">Staff note</span>');
    expect(after.html).toContain('Bo Berg was mentioned');

    // The customer writes again; a reply based on the old page is held and the newer message shown.
    await ask('tp-2', 'Re: Export to CSV breaks on accents', 'Also happens with Ø.', 'participants', undefined, 'tp-1');
    const held = await agent.post(`/tickets/${q.ticketId}/compose`, { target: 'participants', text: 'Fixed in 2.3', lastSeenMessageId: lastSeen });
    expect(held.status).toBe(409);
    expect(held.html).toContain('new message(s) arrived since you opened this ticket');
    expect(held.html).toContain('Also happens with Ø.');
    expect(held.html).toContain('Fixed in 2.3</textarea>');
    expect(held.html).toContain('name="force" value="1"');
    const forced = await agent.post(`/tickets/${q.ticketId}/compose`, { target: 'participants', text: 'Fixed in 2.3', lastSeenMessageId: lastSeen, force: '1' });
    expect(forced.status).toBe(303);

    const empty = await agent.post(`/tickets/${q.ticketId}/compose`, { target: 'participants', text: '   ' });
    expect(empty.status).toBe(422);
    expect(empty.html).toContain('A reply needs text.');

    // JSON path used by the page script.
    const json = await agent.post(`/tickets/${q.ticketId}/compose`, { target: 'note', text: 'json note' }, { accept: 'application/json' });
    expect(json.status).toBe(201);
    expect(JSON.parse(json.html).message.audience).toBe('staff');
    const noCsrf = await agent.post(`/tickets/${q.ticketId}/compose`, { target: 'note', text: 'forged' }, { csrf: false });
    expect(noCsrf.status).toBe(403);
  });

  it('the composer takes attachments as a plain multipart form', async () => {
    const q = await ask('att-1', 'Screenshot of the error', 'See the error below.');
    await agent.get(`/tickets/${q.ticketId}`);
    const form = new FormData();
    form.append('_csrf', agent.csrf);
    form.append('target', 'participants');
    form.append('text', 'Here is the fixed export.');
    form.append('attachments', new Blob(['name;city\nZoë;Köln\n'], { type: 'text/csv' }), 'export.csv');
    form.append('attachments', new Blob([]), '');
    const res = await fetch(`${t.url}/tickets/${q.ticketId}/compose`, { method: 'POST', body: form, headers: { cookie: agent.cookie }, redirect: 'manual' });
    expect(res.status).toBe(303);
    const page = await agent.get(`/tickets/${q.ticketId}`);
    const href = /href="(\/attachments\/\d+\/export\.csv)"/.exec(page.html)![1];
    const file = await fetch(t.url + href, { headers: { cookie: agent.cookie } });
    expect(await file.text()).toBe('name;city\nZoë;Köln\n');
  });

  it('the staff note never reaches the customer: their thread page, JSON, and the agent-only pages', async () => {
    const q = await ask('aud-1', 'Where is my parcel?', 'Order 5521 has not arrived.', 'participants', { id: 'c9', name: 'Nia', email: 'nia@example.com' });
    await agent.get(`/tickets/${q.ticketId}`);
    await agent.post(`/tickets/${q.ticketId}/compose`, { target: 'note', text: 'SECRET-NOTE carrier lost it' });
    await agent.post(`/tickets/${q.ticketId}/compose`, { target: 'participants', text: 'We are on it, Nia.' });
    const nia = await signInByLink(t, 'nia@example.com');
    const thread = await nia.get(`/t/${q.ticketId}`);
    expect(thread.status).toBe(200);
    expect(thread.html).toContain('We are on it, Nia.');
    expect(thread.html).not.toContain('SECRET-NOTE');
    const json = await fetch(`${t.url}/api/tickets/${q.ticketId}`, { headers: { cookie: nia.cookie } }).then((r) => r.text());
    expect(json).toContain('We are on it');
    expect(json).not.toContain('SECRET-NOTE');
    for (const p of [`/tickets/${q.ticketId}`, '/inbox/live', '/search?q=SECRET', '/inbox']) {
      const r = await nia.get(p);
      expect([403, 401]).toContain(r.status);
      expect(r.html).not.toContain('SECRET-NOTE');
    }
  });

  it('search finds subjects and messages with highlighted snippets', async () => {
    await ask('s-1', 'Quarterly invoice for Globex', 'Please resend the quarterly statement.');
    const r = await agent.get('/search?q=quarterly');
    expect(r.status).toBe(200);
    expect(r.html).toContain('Quarterly invoice for Globex');
    expect(r.html).toContain('<mark>quarterly</mark>');
    const hostile = await ask('s-2', 'Odd <b>markup</b>', 'zebra <script>alert(1)</script> zebra');
    const h = await agent.get('/search?q=zebra');
    expect(h.html).not.toContain('<script>alert(1)');
    expect(h.html).toContain(`/tickets/${hostile.ticketId}`);
    expect((await agent.get('/search?q=a')).html).toContain('Type at least 2 characters.');
    // 55 tickets said "same text" (the paging test): 40 on the first page, the rest behind "Older".
    const first = await agent.get('/search?q=same');
    expect(first.html.match(/class="snip"/g)).toHaveLength(40);
    const older = /href="([^"]+)" rel="next"/.exec(first.html)![1].replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');
    const second = await agent.get(older);
    expect(second.html.match(/class="snip"/g)).toHaveLength(15);
    expect(second.html).not.toContain('rel="next"');
  });

  it('merges and splits tickets, and both undo from the history', async () => {
    const a = await ask('m-1', 'Login fails', 'Cannot log in since the update.', 'participants', { id: 'm1', name: 'Max' });
    const b = await ask('m-2', 'Login still failing', 'Any news?', 'participants', { id: 'm1', name: 'Max' });
    const merged = await agent.post(`/tickets/${b.ticketId}/merge`, { intoId: `#${a.ticketId}` });
    expect(merged.location).toBe(`/tickets/${a.ticketId}`);
    const target = await agent.get(`/tickets/${a.ticketId}`);
    expect(target.html).toContain('Any news?');
    expect((await agent.get(`/tickets/${b.ticketId}`)).location).toBe(`/tickets/${a.ticketId}`);
    const undoId = /\/events\/(\d+)\/undo/.exec(target.html)![1];
    expect((await agent.post(`/tickets/${a.ticketId}/events/${undoId}/undo`, {})).status).toBe(303);
    const back = await agent.get(`/tickets/${b.ticketId}`);
    expect(back.status).toBe(200);
    expect(back.html).toContain('Any news?');
    expect((await agent.get(`/tickets/${a.ticketId}`)).html).not.toContain('Any news?');
    expect((await agent.post(`/tickets/${a.ticketId}/events/${undoId}/undo`, {})).status).toBe(409);

    // Split the second question out of a thread.
    const c = await ask('sp-1', 'Two questions', 'First: how do I export?', 'participants', { id: 'm2', name: 'Ola' });
    const second = await ask('sp-2', 'Re: Two questions', 'Second: can I change my plan?', 'participants', { id: 'm2', name: 'Ola' }, 'sp-1');
    expect(second.ticketId).toBe(c.ticketId);
    const split = await agent.post(`/tickets/${c.ticketId}/split`, { messageIds: String(second.messageId) });
    const newId = Number(split.location!.split('/').pop());
    expect(newId).not.toBe(c.ticketId);
    expect((await agent.get(`/tickets/${newId}`)).html).toContain('can I change my plan?');
    const source = await agent.get(`/tickets/${c.ticketId}`);
    expect(source.html).not.toContain('can I change my plan?');
    const splitUndo = /\/events\/(\d+)\/undo/.exec(source.html)![1];
    await agent.post(`/tickets/${c.ticketId}/events/${splitUndo}/undo`, {});
    expect((await agent.get(`/tickets/${c.ticketId}`)).html).toContain('can I change my plan?');
    expect((await agent.get(`/tickets/${newId}`)).location).toBe(`/tickets/${c.ticketId}`);
    const all = await agent.post(`/tickets/${c.ticketId}/split`, { messageIds: [String(c.messageId), String(second.messageId)] });
    expect(all.status).toBe(400);
    expect(all.html).toContain('Leave at least one message on this ticket');
  });

  it('a mention notifies the mentioned agent on their socket, and only them', async () => {
    const boClient = new AgentClient(t);
    await boClient.signIn('bo@chorus.test', 'bo-password');
    const boSocket = await connectSocket(t, { cookie: boClient.cookie });
    const adminSocket = await connectSocket(t, { cookie: agent.cookie });
    const seenByAdmin: unknown[] = [];
    adminSocket.on('mention', (m) => seenByAdmin.push(m));
    try {
      const q = await ask('men-1', 'Refund request', 'I want my money back.');
      await agent.get(`/tickets/${q.ticketId}`);
      const got = nextEvent(boSocket, 'mention');
      await agent.post(`/tickets/${q.ticketId}/compose`, { target: 'note', text: '@bo can you approve this refund?' });
      const m = await got;
      expect(m).toMatchObject({ ticketId: q.ticketId, by: 'Ada Admin', note: true, subject: 'Refund request' });
      expect(seenByAdmin).toEqual([]);
      // And by e-mail, to the mentioned agent's own address only.
      const mails = (await t.s.db.m.getRepository(OutboxItem).find({ where: { kind: 'notification.email', ticketId: q.ticketId } })).map((i) => i.payload as any);
      expect(mails.map((p) => [p.to, p.template])).toEqual([['bo@chorus.test', 'agent-mention']]);
      expect(mails[0].data).toMatchObject({ by: 'Ada Admin', note: true, url: `${t.url}/tickets/${q.ticketId}#m-${m.messageId}` });
      const mail = new Mailer(t.s.config, t.s.logger, path.join(ROOT, 'views')).render('agent-mention', mails[0].data);
      expect(mail.text).toContain('Ada Admin mentioned you in a staff note on #');
      expect(mail.text).toContain('@bo can you approve this refund?');
      expect(mail.html).toContain(`href="${t.url}/tickets/${q.ticketId}#m-${m.messageId}"`);
    } finally {
      boSocket.close();
      adminSocket.close();
    }
    expect(bo.id).toBeGreaterThan(0);
  });

  it('who is on which ticket reaches agents showing its row, never the public, customers or other rows', async () => {
    const q = await ask('pres-1', 'Public question about exports', 'How do I export?', 'public');
    const other = await ask('pres-2', 'Another question', 'Unrelated', 'public');
    const anon = await connectSocket(t);
    const agentSocket = await connectSocket(t, { cookie: agent.cookie });
    const watcher = await connectSocket(t, { token: t.admin.token });
    const elsewhere = await connectSocket(t, { token: t.admin.token });
    const leaked: unknown[] = [];
    const offPage: unknown[] = [];
    anon.on('presence', (p) => leaked.push(p));
    elsewhere.on('presence', (p) => offPage.push(p));
    try {
      expect(await new Promise((r) => anon.emit('ticket:join', { ticketId: q.ticketId }, r))).toMatchObject({ ok: true, audience: 'public' });
      expect(await new Promise((r) => watcher.emit('rows:watch', { ticketIds: [q.ticketId, other.ticketId] }, r))).toEqual({ ok: true, presence: [] });
      expect(await new Promise((r) => elsewhere.emit('rows:watch', { ticketIds: [other.ticketId] }, r))).toEqual({ ok: true, presence: [] });
      const seen = nextEvent(watcher, 'presence', (p: any) => p.ticketId === q.ticketId && p.viewers.length === 1);
      await new Promise((r) => agentSocket.emit('ticket:join', { ticketId: q.ticketId }, r));
      expect((await seen).viewers[0].name).toBe('Ada Admin');
      // A page that starts showing the row later is told at once who is on it.
      expect(await new Promise((r) => elsewhere.emit('rows:watch', { ticketIds: [q.ticketId] }, r)))
        .toEqual({ ok: true, presence: [{ ticketId: q.ticketId, viewers: [{ id: t.admin.id, name: 'Ada Admin' }] }] });
      const all = await new Promise<any[]>((r) => watcher.emit('presence:all', { ticketIds: [q.ticketId] }, r));
      expect(all.find((p) => p.ticketId === q.ticketId)?.viewers).toEqual([{ id: t.admin.id, name: 'Ada Admin' }]);
      // A visitor's presence:all and rows:watch are answered at once or never; a later round trip settles which.
      let anonAll: unknown = 'no answer';
      anon.emit('presence:all', { ticketIds: [q.ticketId] }, (r: unknown) => { anonAll = r; });
      anon.emit('rows:watch', { ticketIds: [q.ticketId] }, (r: unknown) => { anonAll = r; });
      await settled(t.s, anon, watcher, elsewhere);
      expect(anonAll).toBe('no answer');
      expect(leaked).toEqual([]);
      // The agent whose page did not show that row heard nothing of it.
      expect(offPage).toEqual([]);
      expect(await new Promise((r) => watcher.emit('rows:watch', { ticketIds: Array.from({ length: 501 }, (_, i) => i + 1) }, r)))
        .toEqual({ ok: false, error: 'ticketIds must be a list of at most 500 ticket ids' });
    } finally {
      anon.close();
      agentSocket.close();
      watcher.close();
      elsewhere.close();
    }
  });

  it('first-run setup page creates the admin with a one-time link and says which field is wrong', async () => {
    const fresh = await startTestChorus({ db });
    try {
      await fresh.s.db.write((m) => m.query('DELETE FROM api_tokens'));
      await fresh.s.db.write((m) => m.query('DELETE FROM agents'));
      const { newToken, hashToken } = await import('../src/auth/secrets');
      const { sessionRepository } = await import('../src/db/repositories/session.repository');
      const token = newToken();
      await fresh.s.db.write((m) => sessionRepository.insertOneTime(m, { tokenHash: hashToken(token), purpose: 'setup', subject: null, expiresAt: Date.now() + 60_000, usedAt: null, createdAt: Date.now() }));
      const c = new AgentClient(fresh);
      expect((await c.get(`/setup?token=${token}`)).html).toContain('Create admin');
      const short = await c.post('/setup', { token, name: 'Root', email: 'root@chorus.test', password: 'short' });
      expect(short.status).toBe(422);
      expect(short.html).toContain('Use at least 8 characters.');
      expect(short.html).toContain('value="root@chorus.test"');
      const ok = await c.post('/setup', { token, name: 'Root', email: 'root@chorus.test', password: 'long enough pass' });
      expect(ok.status).toBe(303);
      expect(ok.location).toBe('/inbox');
      expect((await c.get('/inbox')).status).toBe(200);
      const again = await new AgentClient(fresh).post('/setup', { token, name: 'Eve', email: 'eve@chorus.test', password: 'long enough pass' });
      expect(again.status).toBe(410);
    } finally {
      await fresh.stop();
    }
  });
});

describe('findMentions', () => {
  const agents = [
    { id: 1, email: 'sam@acme.test', name: 'Sam Lee', active: true },
    { id: 2, email: 'kim.o@acme.test', name: 'Kim Ortiz', active: true },
    { id: 3, email: 'old@acme.test', name: 'Old Timer', active: false },
  ];
  it('matches e-mail handles and joined names, not e-mail addresses or inactive agents', () => {
    expect(findMentions('@sam and @KimOrtiz please look', agents)).toEqual([1, 2]);
    expect(findMentions('mail sam@acme.test or write to @kim.o.', agents)).toEqual([2]);
    expect(findMentions('@old are you there', agents)).toEqual([]);
    expect(findMentions('no mentions here', agents)).toEqual([]);
  });
});
