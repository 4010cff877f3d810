import { createInbox } from '../src/inboxes/create-inbox';
import { InboundItem, OutboxItem } from '../src/db/entities';
import { DB_KINDS, startTestChorus, type TestChorus } from './helpers/test-chorus';
import { signInByLink } from './helpers/web-client';

describe.each(DB_KINDS)('Web-form channel (%s)', (db) => {
  let t: TestChorus;
  let clock = Date.now();
  beforeAll(async () => {
    t = await startTestChorus({ db, now: () => clock });
  });
  afterAll(async () => t.stop());

  const form = (slug: string, settings: Record<string, unknown> = {}) =>
    createInbox(t.s.db, clock, { name: `Form ${slug}`, channel: 'webform', settings: { slug, submissionsPerHourPerIp: 100, ...settings } });
  const page = async (slug: string) => {
    const res = await fetch(`${t.url}/forms/${slug}`);
    const html = await res.text();
    return { status: res.status, html, stamp: /name="stamp" value="([^"]+)"/.exec(html)?.[1] ?? '' };
  };
  const post = async (slug: string, fields: Record<string, string>, files: { name: string; type: string; body: string }[] = []) => {
    const fd = new FormData();
    for (const [k, v] of Object.entries(fields)) fd.append(k, v);
    for (const f of files) fd.append('attachments', new Blob([f.body], { type: f.type }), f.name);
    const res = await fetch(`${t.url}/forms/${slug}`, { method: 'POST', body: fd });
    return { status: res.status, html: await res.text() };
  };

  it('turns a no-script form post with a file into a private ticket, a ledger row and an acknowledgement e-mail', async () => {
    const inbox = await form('help', { title: 'Ask the team', customFields: [{ name: 'order', label: 'Order number', required: true }] });
    const p = await page('help');
    expect(p.status).toBe(200);
    expect(p.html).toContain('<title>Ask the team</title>');
    expect(p.html).toContain('name="website"');
    expect(p.html).toContain('enctype="multipart/form-data"');
    // The form needs no script; the only one offers community suggestions while the subject is typed.
    expect([...p.html.matchAll(/<script[^>]*>/g)].map((m) => m[0])).toEqual(['<script src="/static/ask-suggestions.js" defer>']);

    clock += 5000;
    const fields = { stamp: p.stamp, name: 'Lin Ma', email: 'Lin@Example.com', subject: 'Broken kettle', message: 'It whistles all night.', custom_order: 'A-77', website: '' };
    const sent = await post('help', fields, [{ name: 'kettle.png', type: 'image/png', body: 'PNGDATA' }]);
    expect(sent.status).toBe(201);
    const ticketId = Number(/href="\/t\/(\d+)"/.exec(sent.html)?.[1]);
    expect(ticketId).toBeGreaterThan(0);

    const detail = await t.api('GET', `/api/tickets/${ticketId}`);
    expect(detail.body.ticket ?? detail.body).toBeTruthy();
    const [msg] = detail.body.messages;
    expect(msg).toMatchObject({ audience: 'participants', text: 'It whistles all night.\n\nOrder number: A-77' });
    expect(msg.attachments[0]).toMatchObject({ filename: 'kettle.png', contentType: 'image/png', size: 7 });

    const item = await t.s.db.m.getRepository(InboundItem).findOneByOrFail({ ticketId });
    expect(item.rawType).toBe('webform.submission.v1');
    expect(JSON.parse(item.raw).attachments[0].contentBase64).toBe(Buffer.from('PNGDATA').toString('base64'));

    const mails = await t.s.db.m.getRepository(OutboxItem).findBy({ kind: 'notification.email', ticketId });
    expect(mails).toHaveLength(1);
    expect(mails[0].payload).toMatchObject({ to: 'Lin@Example.com', template: 'webform-received', data: { ticketId, url: `${t.url}/t/${ticketId}` } });
    expect(mails[0].inboxId).toBe(inbox.id);

    // The same served form posted twice (double click, back button) makes one ticket and one e-mail.
    const again = await post('help', fields, [{ name: 'kettle.png', type: 'image/png', body: 'PNGDATA' }]);
    expect(again.status).toBe(200);
    expect(again.html).toContain(`/t/${ticketId}`);
    expect(await t.s.db.m.getRepository(OutboxItem).countBy({ kind: 'notification.email', ticketId })).toBe(1);
  });

  it('stops bots: honeypot quietly discarded, instant posts and forged stamps refused, per-IP limit', async () => {
    const inbox = await form('spam', { submissionsPerHourPerIp: 3 });
    const count = () => t.s.db.m.getRepository(InboundItem).countBy({ inboxId: inbox.id });
    const p = await page('spam');
    const fast = await post('spam', { stamp: p.stamp, email: 'a@b.co', message: 'hi' });
    expect(fast.status).toBe(422);
    expect(fast.html).toContain('That was quick');
    expect(fast.html).toContain('value="a@b.co"');

    clock += 5000;
    const bot = await post('spam', { stamp: p.stamp, email: 'a@b.co', message: 'buy now', website: 'http://spam.example' });
    expect(bot.status).toBe(200);
    expect(bot.html).not.toContain('/t/');
    const forged = await post('spam', { stamp: p.stamp.replace(/.$/, (c) => (c === '0' ? '1' : '0')), email: 'a@b.co', message: 'hi' });
    expect(forged.status).toBe(422);
    expect(await count()).toBe(0);

    const limited = await post('spam', { stamp: p.stamp, email: 'a@b.co', message: 'hi' });
    expect(limited.status).toBe(429);
  });

  it('enforces attachment type, size and count limits, and required fields', async () => {
    await form('files', { attachments: { maxFiles: 1, maxBytes: 10, allowedTypes: ['text/plain'] } });
    const p = await page('files');
    clock += 5000;
    const base = { stamp: p.stamp, email: 'c@d.co', message: 'see file' };
    expect((await post('files', base, [{ name: 'x.exe', type: 'application/x-msdownload', body: 'MZ' }])).html).toContain('not accepted');
    expect((await post('files', base, [{ name: 'big.txt', type: 'text/plain', body: 'x'.repeat(11) }])).html).toContain('larger than');
    expect((await post('files', base, [{ name: 'a.txt', type: 'text/plain', body: 'a' }, { name: 'b.txt', type: 'text/plain', body: 'b' }])).html).toContain('at most 1');
    const noEmail = await post('files', { stamp: p.stamp, message: 'x' });
    expect(noEmail.status).toBe(422);
    expect(noEmail.html).toContain('Enter the e-mail');
    expect((await post('files', base, [{ name: 'ok.txt', type: 'text/plain', body: 'fine' }])).status).toBe(201);
  });

  it('serves a JSON door with CORS only for allowed origins', async () => {
    await form('shop', { corsOrigins: ['https://shop.example'] });
    const pre = await fetch(`${t.url}/api/forms/shop/submissions`, { method: 'OPTIONS', headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(pre.headers.get('access-control-allow-credentials')).toBeNull();
    const evil = await fetch(`${t.url}/api/forms/shop/submissions`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(evil.status).toBe(403);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();

    const meta = await fetch(`${t.url}/api/forms/shop`, { headers: { origin: 'https://shop.example' } });
    const { stamp, form: f } = (await meta.json()) as any;
    expect(f).toMatchObject({ slug: 'shop', minFillSeconds: 3 });
    expect((await t.api('GET', '/api/forms/shop')).body.embed).toContain(`<iframe src="${t.url}/forms/shop?embed=1"`);
    clock += 5000;
    const body = { stamp, email: 'json@example.com', message: 'From our own form', attachments: [{ filename: 'n.txt', contentType: 'text/plain', contentBase64: Buffer.from('note').toString('base64') }] };
    const res = await fetch(`${t.url}/api/forms/shop/submissions`, { method: 'POST', headers: { origin: 'https://shop.example', 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(201);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    const out = (await res.json()) as any;
    expect(out.url).toBe(`${t.url}/t/${out.ticketId}`);
    const detail = await t.api('GET', `/api/tickets/${out.ticketId}`);
    expect(detail.body.messages[0].attachments[0]).toMatchObject({ filename: 'n.txt', size: 4 });

    const blocked = await fetch(`${t.url}/api/forms/shop/submissions`, { method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(blocked.status).toBe(403);
  });

  it('never lets an anonymous form join or reopen an existing ticket by number; a signed-in customer\'s own address does', async () => {
    await form('acct');
    const first = await page('acct');
    clock += 5000;
    const opened = await post('acct', { stamp: first.stamp, email: 'vic@example.com', subject: 'Refund', message: 'Please refund order 9.' });
    const vic = Number(/href="\/t\/(\d+)"/.exec(opened.html)?.[1]);
    await t.api('PATCH', `/api/tickets/${vic}`, { status: 'solved' });

    // Anyone can type the victim's address and ticket number into the form.
    const second = await page('acct');
    clock += 5000;
    const forged = await post('acct', { stamp: second.stamp, email: 'vic@example.com', subject: `Re: [#${vic}] Refund`, message: 'Send the refund to IBAN XX00 instead.' });
    expect(forged.status).toBe(201);
    expect(Number(/href="\/t\/(\d+)"/.exec(forged.html)?.[1])).not.toBe(vic);
    const untouched = await t.api('GET', `/api/tickets/${vic}`);
    expect(untouched.body.messages).toHaveLength(1);
    expect(untouched.body.ticket.status).toBe('solved');
    const third = await page('acct');
    clock += 5000;
    const json = await fetch(`${t.url}/api/forms/acct/submissions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ stamp: third.stamp, email: 'vic@example.com', subject: `[#${vic}]`, message: 'me again' }) });
    expect(((await json.json()) as any).ticketId).not.toBe(vic);

    // Signed in with that address (magic link), the customer's [#number] answers their ticket.
    const me = await signInByLink(t, 'vic@example.com');
    const send = async (fields: Record<string, string>) => {
      const mine = await me.get('/forms/acct');
      const stamp = /name="stamp" value="([^"]+)"/.exec(mine.html)![1];
      clock += 5000;
      const fd = new FormData();
      for (const [k, v] of Object.entries({ stamp, email: 'vic@example.com', subject: `Re: [#${vic}] Refund`, ...fields })) fd.append(k, v);
      const res = await fetch(`${t.url}/forms/acct`, { method: 'POST', body: fd, headers: { cookie: me.cookie } });
      return Number(/href="\/t\/(\d+)"/.exec(await res.text())?.[1]);
    };
    // The session cookie alone (a post from another site) proves nothing.
    expect(await send({ message: 'cookie only' })).not.toBe(vic);
    const csrf = /name="_csrf" value="([^"]+)"/.exec((await me.get('/forms/acct')).html)?.[1];
    expect(csrf).toBeTruthy();
    expect(await send({ _csrf: csrf!, message: 'It arrived, thanks — one question left.' })).toBe(vic);
    const answered = await t.api('GET', `/api/tickets/${vic}`);
    expect(answered.body.messages).toHaveLength(2);
    expect(answered.body.ticket.status).toBe('open');
  });

  it('validates webform settings when the inbox is created', async () => {
    const bad = await t.api('POST', '/api/inboxes', { name: 'Bad', channel: 'webform', settings: { slug: 'Not A Slug' } });
    expect(bad.status).toBe(400);
    expect((await t.api('GET', '/forms/nope')).status).toBe(404);
  });
});
