import { blobRepository } from '../src/db/repositories/blob.repository';
import { createInbox } from '../src/inboxes/create-inbox';
import { AgentClient } from './helpers/agent-client';
import { png } from './helpers/images';
import { captureSmtp } from './helpers/smtp-capture';
import { DB_KINDS, postRawEmail, startTestChorus, type TestChorus } from './helpers/test-chorus';
import { signInByLink } from './helpers/web-client';
import { waitFor } from './helpers/wait';

describe.each(DB_KINDS)('branding (%s)', (db) => {
  let t: TestChorus;
  let admin: AgentClient;
  let relay: Awaited<ReturnType<typeof captureSmtp>>;
  const logo = png(240, 80);

  // The admin page's form as a browser sends it: multipart, with the file.
  const saveForm = async (fields: Record<string, string>, file?: { bytes: Buffer; name: string; type: string }) => {
    const fd = new FormData();
    fd.append('_csrf', admin.csrf);
    for (const [k, v] of Object.entries(fields)) fd.append(k, v);
    if (file) fd.append('logo', new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
    const res = await fetch(`${t.url}/admin/branding`, { method: 'POST', body: fd, headers: { cookie: admin.cookie, accept: 'text/html' }, redirect: 'manual' });
    return { status: res.status, html: await res.text(), location: res.headers.get('location') };
  };
  const page = async (p: string) => {
    const res = await fetch(t.url + p);
    return { status: res.status, html: await res.text(), type: res.headers.get('content-type') };
  };

  beforeAll(async () => {
    relay = await captureSmtp();
    t = await startTestChorus({ db, env: { SMTP_URL: `smtp://127.0.0.1:${relay.port}` } });
    admin = new AgentClient(t);
    await admin.signIn(t.admin.email, t.admin.password);
    await admin.get('/admin/branding');
  });
  afterAll(async () => {
    await t?.stop();
    await relay?.close();
  });

  it('starts as Chorus and refuses a bad colour or logo by field, saving nothing of that form', async () => {
    expect((await page('/community')).html).toMatch(/<span class="brand-name">Chorus<\/span>/);
    expect((await page('/community')).html).not.toContain('/brand/theme/');
    const badColour = await saveForm({ companyName: 'Half Saved Ltd', accent: 'teal-ish' });
    expect(badColour.status).toBe(422);
    expect(badColour.html).toContain('Enter a colour as #rrggbb');
    expect(badColour.html).toContain('value="teal-ish"');
    expect(badColour.html).toContain('value="Half Saved Ltd"');
    const svg = await saveForm({ companyName: 'Half Saved Ltd', accent: '#0f766e' }, { bytes: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), name: 'logo.png', type: 'image/png' });
    expect(svg.status).toBe(422);
    expect(svg.html).toContain('SVG is not accepted');
    const huge = await saveForm({ companyName: 'Half Saved Ltd' }, { bytes: png(4100, 20), name: 'wide.png', type: 'image/png' });
    expect(huge.html).toContain('4100×20 px');
    expect((await t.api('GET', '/api/branding')).body).toEqual({ companyName: null, accent: null, logoUrl: null, palette: null });
    // The API says the same, naming the field.
    const api = await t.api('PUT', '/api/branding', { accent: '#12345' });
    expect(api.status).toBe(400);
    expect(api.body.error.details.fields.accent[0]).toContain('#rrggbb');
  });

  it('only admins change it', async () => {
    expect((await new AgentClient(t).get('/admin/branding')).location).toBe('/login?next=%2Fadmin%2Fbranding');
    expect((await t.api('PUT', '/api/branding', { companyName: 'Mallory' }, '')).status).toBe(401);
  });

  it('shows the name, logo and colour on the community, the forms and the customer thread; the embedded form has no header', async () => {
    const saved = await saveForm({ companyName: 'Acme Kettles', accent: '#0F766E' }, { bytes: logo, name: 'acme.png', type: 'image/png' });
    expect(saved.location).toBe('/admin/branding?saved=1');
    const settings = await admin.get('/admin/branding?saved=1');
    expect(settings.html).toContain('data-brand-logo');
    expect(settings.html).toMatch(/<code data-link-colour>#0f766e<\/code>/);

    const community = (await page('/community')).html;
    const logoUrl = /<img class="brand-logo" src="(\/brand\/logo\/[0-9a-f]{32}\.png)" alt="" width="120" height="40">/.exec(community)?.[1];
    expect(logoUrl).toBeTruthy();
    expect(community).toContain('<span class="brand-name">Acme Kettles</span>');
    const theme = /<link rel="stylesheet" href="(\/brand\/theme\/[0-9a-f]{12}\.css)">/.exec(community)![1];
    const css = await page(theme);
    expect(css.type).toContain('text/css');
    expect(css.html).toContain('--accent:#0f766e');
    const served = await fetch(t.url + logoUrl!);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer()).equals(logo)).toBe(true);

    // Any other blob is not reachable through the logo door, even by its real hash.
    const other = await t.s.db.write((m) => blobRepository.put(m, Buffer.from('a customer attachment')));
    expect((await page(`/brand/logo/${other.slice(0, 32)}.png`)).status).toBe(404);

    await createInbox(t.s.db, Date.now(), { name: 'Kettle help', channel: 'webform', settings: { slug: 'kettles', title: 'Kettle help' } });
    const form = (await page('/forms/kettles')).html;
    expect(form).toContain('<span class="brand-name">Acme Kettles</span>');
    expect(form).toContain(theme);
    const embedded = (await page('/forms/kettles?embed=1')).html;
    expect(embedded).not.toContain('class="web-top"');
    expect(embedded).not.toContain('/community');
    expect(embedded).toContain(theme);
    expect(embedded).toContain('action="/forms/kettles?embed=1"');
    expect((await t.api('GET', '/api/forms/kettles')).body.embed).toContain('/forms/kettles?embed=1"');

    const mailbox = await createInbox(t.s.db, Date.now(), { name: 'Support', channel: 'email', address: 'support@acme.test' });
    const { ticketId } = await postRawEmail(t, mailbox.id, ['From: Ola <ola@cust.test>', 'To: support@acme.test', 'Subject: Lid stuck', 'Message-ID: <lid1@cust.test>', '', 'The lid is stuck.', ''].join('\r\n'));
    const ola = await signInByLink(t, 'ola@cust.test');
    const thread = await ola.get(`/t/${ticketId}`);
    expect(thread.status).toBe(200);
    expect(thread.html).toContain('<span class="brand-name">Acme Kettles</span>');
    expect(thread.html).toContain(logoUrl!);
  });

  it('puts the brand into the e-mails customers get, HTML and text', async () => {
    const mailbox = await createInbox(t.s.db, Date.now(), { name: 'Mail', channel: 'email', address: 'mail@acme.test' });
    const { ticketId } = await postRawEmail(t, mailbox.id, ['From: Bo <bo@cust.test>', 'To: mail@acme.test', 'Subject: Descaling', 'Message-ID: <desc1@cust.test>', '', 'How do I descale it?', ''].join('\r\n'));
    expect((await t.api('POST', `/api/tickets/${ticketId}/replies`, { text: 'Vinegar and water.' })).status).toBe(201);
    const mail = await waitFor(() => relay.mails.find((m) => m.subject?.includes(`[#${ticketId}]`)), (m) => !!m);
    expect(mail).toBeTruthy();
    expect(String(mail!.html)).toMatch(new RegExp(`<img src="${t.url}/brand/logo/[0-9a-f]{32}\\.png" alt="Acme Kettles" width="120" height="40"`));
    expect(String(mail!.html)).toContain('border-bottom:3px solid #0f766e');
    expect(mail!.text).toContain('— Ada Admin, Acme Kettles');

    // A pale colour is kept for highlights but darkened where it is text on white.
    const pale = await t.api('PUT', '/api/branding', { accent: '#fde047' });
    expect(pale.body.palette).toMatchObject({ accent: '#fde047', accentInk: '#111827', adjusted: true });
    expect(pale.body.palette.link).not.toBe('#fde047');
    const magic = await fetch(`${t.url}/signin`, { method: 'POST', body: new URLSearchParams({ email: 'pale@cust.test' }), redirect: 'manual' });
    expect(magic.status).toBe(200);
    const signin = await waitFor(() => relay.mails.find((m) => (m.to as { text: string }).text === 'pale@cust.test'), (m) => !!m);
    expect(String(signin!.html)).toContain(`style="color:${pale.body.palette.link}"`);
    expect(signin!.text).toContain('— Acme Kettles');
    const settings = await admin.get('/admin/branding');
    expect(settings.html).toContain('darkened to read on white');
  });

  it('a replaced logo keeps serving for e-mails already sent; removing it drops it from the pages', async () => {
    const before = (await t.api('GET', '/api/branding')).body.logoUrl as string;
    expect((await t.api('PUT', '/api/branding', { logoBase64: png(64, 64, [200, 30, 30]).toString('base64') })).status).toBe(200);
    const after = (await t.api('GET', '/api/branding')).body.logoUrl as string;
    expect(after).not.toBe(before);
    expect((await fetch(before)).status).toBe(200);
    expect((await saveForm({ companyName: 'Acme Kettles', accent: '', removeLogo: '1' })).location).toBe('/admin/branding?saved=1');
    const community = (await page('/community')).html;
    expect(community).not.toContain('class="brand-logo"');
    expect(community).not.toContain('/brand/theme/');
    expect(community).toContain('<span class="brand-name">Acme Kettles</span>');
  });
});
