import { contactRepository } from '../src/db/repositories/contact.repository';
import { OutboxItem } from '../src/db/entities';
import { DB_KINDS, apiInbox, postSigned, startTestChorus, type TestChorus } from './helpers/test-chorus';
import { WebClient, lastMagicLink, signInByLink } from './helpers/web-client';

describe.each(DB_KINDS)('Customer sign-in by e-mail link and My tickets (%s)', (db) => {
  let t: TestChorus;
  let clock = Date.now();
  beforeAll(async () => {
    t = await startTestChorus({ db, now: () => clock });
  });
  afterAll(async () => t.stop());

  it('answers the same for known and unknown addresses, and the link works once', async () => {
    const inbox = await apiInbox(t);
    await postSigned(t, inbox, { externalId: 'k-1', author: { id: 'k', email: 'known@example.com' }, text: 'hello' });
    const known = await new WebClient(t).form('/signin', { email: 'known@example.com' });
    const unknown = await new WebClient(t).form('/signin', { email: 'nobody@example.com' });
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(known.status);
    expect(unknown.html.replace('nobody@example.com', 'X')).toBe(known.html.replace('known@example.com', 'X'));

    const link = new URL(await lastMagicLink(t, 'known@example.com'));
    const c = new WebClient(t);
    const confirm = await c.get(link.pathname + link.search);
    expect(confirm.html).toContain('Continue and sign in');
    // Fetching the link (as a mail scanner would) does not use it up.
    const used = await c.form('/signin/link', { token: link.searchParams.get('token')!, next: '/my' });
    expect(used.status).toBe(303);
    expect(used.location).toBe('/my');
    expect(c.cookie).toMatch(/^chorus_sid=/);
    const again = await new WebClient(t).form('/signin/link', { token: link.searchParams.get('token')!, next: '/my' });
    expect(again.status).toBe(410);

    const identity = await contactRepository.findIdentity(t.s.db.m, 'email', 'known@example.com');
    expect(identity?.verified).toBe(true);
  });

  it('lists a customer\'s tickets from every channel, and only theirs', async () => {
    const inbox = await apiInbox(t);
    const a = await postSigned(t, inbox, { externalId: 'm-a', author: { id: 'u-m', email: 'mia@example.com' }, subject: 'Invoice question', text: 'Where is my invoice?' });
    const other = await postSigned(t, inbox, { externalId: 'm-o', author: { id: 'u-o', email: 'oscar@example.com' }, subject: 'Oscar secret', text: 'private' });
    const webform = await t.api('POST', '/api/inboxes', { name: 'Site form', channel: 'webform', settings: { slug: 'mia-form', minFillSeconds: 0 } });
    expect(webform.status).toBe(201);
    const meta = (await (await fetch(`${t.url}/api/forms/mia-form`)).json()) as any;
    const wf = await fetch(`${t.url}/api/forms/mia-form/submissions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ stamp: meta.stamp, email: 'MIA@example.com', subject: 'Form question', message: 'Via the form' }) });
    const wfOut = (await wf.json()) as any;

    const mia = await signInByLink(t, 'mia@example.com');
    const my = await mia.get('/my');
    expect(my.status).toBe(200);
    expect(my.html).toContain('Invoice question');
    expect(my.html).toContain('Form question');
    expect(my.html).toContain(`/t/${a.body.ticketId}`);
    expect(my.html).toContain(`/t/${wfOut.ticketId}`);
    expect(my.html).not.toContain('Oscar secret');
    expect(other.body.ticketId).toBeTruthy();

    const anon = await new WebClient(t).get('/my');
    expect(anon.status).toBe(303);
    expect(anon.location).toBe('/signin?next=/my');

    const out = await mia.form('/signout', {});
    expect(out.status).toBe(303);
    expect((await mia.get('/my')).status).toBe(303);
  });

  it('new addresses become members on first use; links expire; redirects stay on site; requests are limited', async () => {
    const n = await signInByLink(t, 'newbie@example.com');
    expect((await n.get('/my')).html).toContain('No conversations yet');

    await new WebClient(t).form('/signin', { email: 'late@example.com', next: '//evil.example/x' });
    const link = new URL(await lastMagicLink(t, 'late@example.com'));
    expect(link.searchParams.get('next')).toBe('/my');
    clock += 21 * 60_000;
    expect((await new WebClient(t).form('/signin/link', { token: link.searchParams.get('token')! })).status).toBe(410);

    const before = await t.s.db.m.getRepository(OutboxItem).countBy({ kind: 'notification.email' });
    const codes: number[] = [];
    for (let i = 0; i < 7; i++) codes.push((await new WebClient(t).form('/signin', { email: 'flood@example.com' })).status);
    expect(codes.slice(0, 5).every((c) => c === 200)).toBe(true);
    expect(codes.slice(5)).toEqual([429, 429]);
    expect(await t.s.db.m.getRepository(OutboxItem).countBy({ kind: 'notification.email' })).toBe(before + 5);
  });
});
