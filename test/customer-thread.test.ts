import { DB_KINDS, apiInbox, connectSocket, joinTicket, nextEvent, postSigned, recordEvents, startTestChorus, type TestChorus } from './helpers/test-chorus';
import { WebClient, signInByLink } from './helpers/web-client';
import { settled } from './helpers/wait';

describe.each(DB_KINDS)('Customer thread page (%s)', (db) => {
  let t: TestChorus;
  beforeAll(async () => {
    t = await startTestChorus({ db });
  });
  afterAll(async () => t.stop());

  it('shows the customer their conversation without staff notes, and 404s it for everyone else', async () => {
    const inbox = await apiInbox(t);
    const q = await postSigned(t, inbox, { externalId: 'th-1', author: { id: 'mia', email: 'mia@example.com', name: 'Mia' }, subject: 'Lost parcel', text: 'Where is my parcel?' });
    const id = q.body.ticketId;
    await t.api('POST', `/api/tickets/${id}/notes`, { text: 'SECRET-NOTE she ordered twice' });
    await t.api('POST', `/api/tickets/${id}/replies`, { text: 'It ships tomorrow.' });

    const mia = await signInByLink(t, 'mia@example.com');
    const page = await mia.get(`/t/${id}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('<title>Lost parcel · Chorus</title>');
    expect(page.html).toContain('Where is my parcel?');
    expect(page.html).toContain('It ships tomorrow.');
    expect(page.html).toContain('>Staff<');
    expect(page.html).not.toContain('SECRET-NOTE');
    const json = await mia.get(`/api/web/tickets/${id}`);
    expect(json.html).toContain('It ships tomorrow.');
    expect(json.html).not.toContain('SECRET-NOTE');

    const oscar = await signInByLink(t, 'oscar@example.com');
    expect((await oscar.get(`/t/${id}`)).status).toBe(404);
    expect((await oscar.get(`/api/web/tickets/${id}`)).status).toBe(404);
    const anon = new WebClient(t);
    expect((await anon.get(`/t/${id}`)).status).toBe(404);
    expect((await anon.get(`/t/${id}`)).html).not.toContain('Lost parcel');
    // A missing number answers exactly the same.
    expect((await anon.get('/t/999999')).html).toBe((await anon.get(`/t/${id}`)).html.replace(`/t/${id}`, '/t/999999'));
    expect((await anon.get(`/community/${id}-lost-parcel`)).status).toBe(404);
  });

  it('takes a reply with a file, reopens a solved ticket, and pushes agent replies live but never notes', async () => {
    const inbox = await apiInbox(t);
    const q = await postSigned(t, inbox, { externalId: 'th-2', author: { id: 'lu', email: 'lu@example.com', name: 'Lu' }, subject: 'Refund', text: 'I want a refund' });
    const id = q.body.ticketId;
    await t.api('PATCH', `/api/tickets/${id}`, { status: 'solved' });
    const lu = await signInByLink(t, 'lu@example.com');
    const page = await lu.get(`/t/${id}`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.html)![1];

    const socket = await connectSocket(t, { cookie: lu.cookie });
    expect(await joinTicket(socket, id)).toMatchObject({ ok: true, audience: 'participants' });
    const rec = recordEvents(socket);

    const fd = new FormData();
    fd.append('_csrf', csrf);
    fd.append('text', 'Still **waiting**');
    fd.append('attachments', new Blob(['receipt'], { type: 'text/plain' }), 'receipt.txt');
    const res = await fetch(`${t.url}/t/${id}/replies`, { method: 'POST', body: fd, headers: { cookie: lu.cookie }, redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(new RegExp(`^/t/${id}#m-\\d+$`));

    const detail = await t.api('GET', `/api/tickets/${id}`);
    expect(detail.body.ticket?.status ?? detail.body.status).toBe('open');
    const last = detail.body.messages.at(-1);
    expect(last).toMatchObject({ audience: 'participants', direction: 'inbound', text: 'Still **waiting**', author: { type: 'contact' } });
    expect(last.html).toContain('<strong>waiting</strong>');
    expect(last.attachments[0]).toMatchObject({ filename: 'receipt.txt', size: 7 });

    const live = nextEvent(socket, 'message.created', (m) => m.text === 'On its way back to you.');
    await t.api('POST', `/api/tickets/${id}/notes`, { text: 'SECRET-NOTE refund fraud?' });
    await t.api('POST', `/api/tickets/${id}/replies`, { text: 'On its way back to you.' });
    await live;
    await settled(t.s, socket);
    expect(JSON.stringify(rec.events)).not.toContain('SECRET-NOTE');

    // Without the CSRF token the post is refused.
    const forged = new FormData();
    forged.append('text', 'forged');
    expect((await fetch(`${t.url}/t/${id}/replies`, { method: 'POST', body: forged, headers: { cookie: lu.cookie } })).status).toBe(403);
    socket.close();
  });

  it('sends public threads to their clean community URL, readable signed out', async () => {
    const inbox = await apiInbox(t);
    const q = await postSigned(t, inbox, { externalId: 'th-3', author: { id: 'pp', email: 'pp@example.com' }, subject: 'How do I reset the router?', text: 'Lights blink red.', audience: 'public' });
    const id = q.body.ticketId;
    await t.api('POST', `/api/tickets/${id}/notes`, { text: 'SECRET-NOTE known firmware bug' });
    await t.api('POST', `/api/tickets/${id}/replies`, { text: 'Private hint for you', audience: 'participants' });
    const anon = new WebClient(t);
    const r1 = await anon.get(`/t/${id}`);
    expect(r1.status).toBe(301);
    expect(r1.location).toBe(`/community/${id}-how-do-i-reset-the-router`);
    expect((await anon.get(`/community/${id}-wrong-slug`)).location).toBe(`/community/${id}-how-do-i-reset-the-router`);
    const page = await anon.get(r1.location!);
    expect(page.status).toBe(200);
    expect(page.html).toContain('<meta name="description" content="Lights blink red.">');
    expect(page.html).toContain(`<link rel="canonical" href="${t.url}/community/${id}-how-do-i-reset-the-router">`);
    expect(page.html).not.toContain('SECRET-NOTE');
    expect(page.html).not.toContain('Private hint');
    const pp = await signInByLink(t, 'pp@example.com');
    const own = await pp.get(r1.location!);
    expect(own.html).toContain('Private hint');
    expect(own.html).toContain('Only you and support');
  });
});
