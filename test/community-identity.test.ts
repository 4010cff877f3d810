import { neutralName } from '../src/community/public-name';
import { REPUTATION } from '../src/community/reputation';
import { contactRepository } from '../src/db/repositories/contact.repository';
import { connectSocket, DB_KINDS, joinTicket, recordEvents, startTestChorus, type TestChorus } from './helpers/test-chorus';
import { until } from './helpers/wait';
import { WebClient, lastMagicLink, signInByLink } from './helpers/web-client';

// Public names (never from an address), the profile page, reputation from votes and the trust
// levels that hold back links and images from new members.
describe.each(DB_KINDS)('Community identity and trust (%s)', (db) => {
  let t: TestChorus;
  beforeAll(async () => {
    t = await startTestChorus({ db });
  });
  afterAll(async () => t.stop());

  const contactOf = async (email: string) => (await contactRepository.findIdentity(t.s.db.m, 'email', email))!.contactId;
  const setRep = async (email: string, reputation: number) => contactRepository.update(t.s.db.m, await contactOf(email), { reputation });
  const reply = async (c: WebClient, ticketId: number, text: string, json = true) => {
    const html = (await c.get((await c.get(`/t/${ticketId}`)).location ?? `/t/${ticketId}`)).html;
    const fd = new FormData();
    fd.append('_csrf', /name="_csrf" value="([^"]+)"/.exec(html)![1]);
    fd.append('text', text);
    return fetch(`${t.url}/t/${ticketId}/replies`, { method: 'POST', body: fd, headers: { cookie: c.cookie, ...(json ? { accept: 'application/json' } : {}) }, redirect: 'manual' });
  };
  const ask = async (c: WebClient, title: string, body = 'Some details here.') => {
    const r = await c.form('/community/ask', { title, body });
    if (r.status !== 303) throw new Error(`ask failed: ${r.status} ${r.html.slice(0, 300)}`);
    return { id: Number(/\/community\/(\d+)-/.exec(r.location!)![1]), path: r.location! };
  };

  it('never shows the address or its local part: a neutral name until the customer chooses one', async () => {
    const quinn = await signInByLink(t, 'quinn.zebedee@example.com');
    const q = await ask(quinn, 'Where do I change my plan?');
    const neutral = neutralName(await contactOf('quinn.zebedee@example.com'));
    expect(neutral).toMatch(/^Customer [0-9A-F]{4}$/);
    await t.api('POST', `/api/tickets/${q.id}/replies`, { text: 'Under Billing.', audience: 'public' });
    const surfaces = {
      list: (await new WebClient(t).get('/community')).html,
      listJson: (await fetch(`${t.url}/community`, { headers: { accept: 'application/json' } }).then((r) => r.text())),
      page: (await new WebClient(t).get(q.path)).html,
      json: (await new WebClient(t).get(`/api/web/tickets/${q.id}`)).html,
      own: (await quinn.get(q.path)).html,
      search: (await fetch(`${t.url}/api/search?q=Billing`).then((r) => r.text())),
    };
    for (const [where, body] of Object.entries(surfaces)) {
      expect({ where, local: /quinn/i.test(body), address: body.includes('example.com') }).toEqual({ where, local: false, address: false });
    }
    expect(surfaces.list).toContain(`asked by ${neutral}`);
    expect(surfaces.page).toContain(neutral);

    // Live: a socket watching the public thread gets the same public name.
    const anon = await connectSocket(t, {});
    const rec = recordEvents(anon);
    await joinTicket(anon, q.id);
    expect((await reply(quinn, q.id, 'Thanks, found it.')).status).toBe(201);
    await until('the reply to arrive live', async () => rec.events.some(([, e]) => JSON.stringify(e).includes('Thanks, found it.')));
    const live = JSON.stringify(rec.events);
    expect(live).toContain(neutral);
    expect(live).not.toMatch(/quinn/i);
    anon.close();

    // Agents still see who wrote, by the contact's own record.
    const agentView = await t.api('GET', `/api/tickets/${q.id}`);
    expect(JSON.stringify(agentView.body)).toContain('quinn');
  });

  it('asks for a display name on first sign-in; a refused name costs nothing; /my/profile changes name and colour', async () => {
    const c = new WebClient(t);
    await c.form('/signin', { email: 'rosa@example.com' });
    const link = new URL(await lastMagicLink(t, 'rosa@example.com'));
    const confirm = await c.get(link.pathname + link.search);
    expect(confirm.html).toContain('name="displayName"');
    // An address is no public name: refused, and the link still works afterwards.
    const refused = await c.form('/signin/link', { token: link.searchParams.get('token')!, next: '/my', displayName: 'rosa@example.com' });
    expect(refused.status).toBe(422);
    expect(refused.html).toContain('not an e-mail address');
    expect(refused.html).toContain('value="rosa@example.com"');
    const ok = await c.form('/signin/link', { token: link.searchParams.get('token')!, next: '/my', displayName: 'Rosa R.' });
    expect(ok).toMatchObject({ status: 303, location: '/my' });
    const q = await ask(c, 'How do I add a teammate?');
    expect((await new WebClient(t).get('/community')).html).toContain('asked by Rosa R.');

    // Once chosen, the next sign-in does not ask again.
    await new WebClient(t).form('/signin', { email: 'rosa@example.com' });
    const again = new URL(await lastMagicLink(t, 'rosa@example.com'));
    expect((await new WebClient(t).get(again.pathname + again.search)).html).not.toContain('name="displayName"');

    const profile = await c.get('/my/profile');
    expect(profile.status).toBe(200);
    expect(profile.html).toContain('value="Rosa R."');
    const bad = await c.form('/my/profile', { displayName: 'x', avatarColor: 'teal' });
    expect(bad.status).toBe(422);
    expect(bad.html).toContain('at least 2 characters');
    expect(bad.html).toContain('value="x"');
    expect((await c.form('/my/profile', { displayName: 'Rosa', avatarColor: 'chartreuse' })).status).toBe(422);
    expect((await c.form('/my/profile', { displayName: '  Rosa   Rivera ', avatarColor: 'teal' })).location).toBe('/my/profile?saved=1');
    const page = (await new WebClient(t).get(`/community/${q.id}`)).location!;
    const thread = (await new WebClient(t).get(page)).html;
    expect(thread).toContain('Rosa Rivera');
    expect(thread).toContain('avatar-teal');
    // Emptying the name goes back to the neutral one.
    await c.form('/my/profile', { displayName: '', avatarColor: 'teal' });
    expect((await new WebClient(t).get('/community')).html).toContain(`asked by ${neutralName(await contactOf('rosa@example.com'))}`);
    expect((await new WebClient(t).get('/my/profile')).location).toBe('/signin?next=/my/profile');
  });

  it('earns reputation from votes (up and down weights), takes it back exactly, and votes never mint it', async () => {
    const asker = await signInByLink(t, 'vera@example.com');
    const answerer = await signInByLink(t, 'walt@example.com');
    const voters = await Promise.all(['xan@example.com', 'yod@example.com'].map((e) => signInByLink(t, e)));
    const q = await ask(asker, 'Can I pause my subscription?');
    const answerId = ((await (await reply(answerer, q.id, 'Yes, under Billing → Pause.')).json()) as any).message.id;
    const rep = async () => (await contactRepository.findById(t.s.db.m, await contactOf('walt@example.com')))!.reputation;
    expect(await rep()).toBe(0);
    await voters[0].form(`/community/posts/${answerId}/vote`, { value: 'up' });
    expect(await rep()).toBe(REPUTATION.upvote);
    await voters[1].form(`/community/posts/${answerId}/vote`, { value: 'down' });
    expect(await rep()).toBe(REPUTATION.upvote + REPUTATION.downvote);
    // Changing a vote moves by the difference; taking it back returns exactly.
    await voters[1].form(`/community/posts/${answerId}/vote`, { value: 'up' });
    expect(await rep()).toBe(2 * REPUTATION.upvote);
    for (let i = 0; i < 3; i++) {
      await voters[1].form(`/community/posts/${answerId}/vote`, { value: 'down' });
      await voters[1].form(`/community/posts/${answerId}/vote`, { value: 'none' });
    }
    expect(await rep()).toBe(REPUTATION.upvote);
    await asker.form(`/community/posts/${answerId}/accept`, {});
    expect(await rep()).toBe(REPUTATION.upvote + REPUTATION.accepted);
    expect((await new WebClient(t).get(q.path)).html).toContain(`${REPUTATION.upvote + REPUTATION.accepted} rep`);
    // A downvoted new member goes below zero and back to zero, not above it.
    const q2 = await ask(answerer, 'Is there a dark theme?');
    await voters[0].form(`/community/posts/${(await t.api('GET', `/api/tickets/${q2.id}`)).body.messages[0].id}/vote`, { value: 'down' });
    expect(await rep()).toBe(REPUTATION.upvote + REPUTATION.accepted + REPUTATION.downvote);
  });

  it('trust levels: a new member\'s public links and images are refused with a clear message that keeps the text; earned reputation unlocks them', async () => {
    const nina = await signInByLink(t, 'nina@example.com');
    const asker = await signInByLink(t, 'omar@example.com');
    // Asking: refused with the reason, the form keeps what was typed.
    const refused = await nina.form('/community/ask', { title: 'Best way to import contacts?', body: 'See https://spam.example/buy for details' });
    expect(refused.status).toBe(422);
    expect(refused.html).toContain('Links in public posts open up at trust level 1');
    expect(refused.html).toContain('https://spam.example/buy');
    // A bare address is a link too (it renders clickable); a private question may carry links.
    expect((await nina.form('/community/ask', { title: 'Bare address question', body: 'visit https://cheap-watches.example now' })).status).toBe(422);
    expect((await nina.form('/community/ask', { title: 'Private with a link', body: 'My site https://nina.example is down', private: '1' })).status).toBe(303);

    const q = await ask(asker, 'How do I export invoices?');
    const linkReply = await reply(nina, q.id, 'Try [this](https://spam.example/x)');
    expect(linkReply.status).toBe(400);
    const err = (await linkReply.json()) as any;
    expect(err.error.message).toContain('trust level 1');
    expect(err.error.details.fields.text).toBeDefined();
    // Without scripts: the thread page comes back with the reason and the draft.
    const plain = await reply(nina, q.id, 'Try [this](https://spam.example/y)', false);
    expect(plain.status).toBe(422);
    const plainHtml = await plain.text();
    expect(plainHtml).toContain('trust level 1');
    expect(plainHtml).toContain('Try [this](https://spam.example/y)');
    expect((await t.api('GET', `/api/tickets/${q.id}`)).body.messages.map((m: any) => m.text).join('\n')).not.toContain('spam.example');
    expect((await reply(nina, q.id, 'Plain words are fine.')).status).toBe(201);

    await setRep('nina@example.com', 10);
    expect((await reply(nina, q.id, 'Docs: https://docs.example/export')).status).toBe(201);
    const img = await reply(nina, q.id, '![shot](https://img.example/a.png)');
    expect(img.status).toBe(400);
    expect(((await img.json()) as any).error.message).toContain('Images in public posts open up at trust level 2');
    await setRep('nina@example.com', 50);
    expect((await reply(nina, q.id, '![shot](https://img.example/a.png)')).status).toBe(201);
    expect((await nina.get('/my/profile')).html).toContain('Trust level 2');
  });
});
