import { inboxRepository } from '../src/db/repositories/inbox.repository';
import { AgentClient } from './helpers/agent-client';
import { startTestChorus, type TestChorus } from './helpers/test-chorus';

const set = (kind: string, key: string) => `set.${kind}.${key}`;

// A first run explains itself: the empty inbox lists the next steps with links, inbox settings
// are a form of each channel's own fields (the JSON kept as "advanced"), and a refused value is
// named beside its field with what was typed kept.
describe('onboarding: getting started and inbox settings forms', () => {
  let t: TestChorus;
  let admin: AgentClient;
  beforeAll(async () => {
    t = await startTestChorus();
    admin = new AgentClient(t);
    await admin.signIn(t.admin.email, t.admin.password);
  });
  afterAll(async () => t?.stop());
  const inboxNamed = async (name: string) => (await inboxRepository.list(t.s.db.m)).find((i) => i.name === name)!;

  it('an empty inbox says what to do next, and the steps follow what exists', async () => {
    let page = await admin.get('/inbox');
    expect(page.html).toContain('data-getting-started');
    expect(page.html).toMatch(/data-step="inbox"[\s\S]*href="\/admin\/inboxes"/);
    expect(page.html).not.toContain('action="/inbox/test-mail"');

    const made = await admin.post('/admin/inboxes', { name: 'Support', channel: 'email', address: 'help@acme.test', [set('email', 'imap.host')]: '', [set('email', 'aliases')]: 'sales@acme.test' });
    expect(made.status).toBe(201);
    expect((await inboxNamed('Support')).settings).toMatchObject({ aliases: ['sales@acme.test'] });
    expect((await inboxNamed('Support')).settings?.imap).toBeUndefined();
    const form = await admin.post('/admin/inboxes', { name: 'Contact form', channel: 'webform', [set('webform', 'slug')]: 'contact', [set('webform', 'title')]: 'Write to us', [set('webform', 'askSubject')]: '1' });
    expect(form.status).toBe(201);

    page = await admin.get('/inbox');
    expect(page.html).toMatch(/gs-step done" data-step="inbox"/);
    expect(page.html).toContain('Mail to help@acme.test arrives here');
    expect(page.html).toContain(`&lt;iframe src&#x3D;&quot;${t.url}/forms/contact?embed&#x3D;1&quot; title&#x3D;&quot;Write to us&quot;`);
    expect(page.html).toContain('href="/forms/contact"');
    expect((await fetch(`${t.url}/forms/contact`)).status).toBe(200);

    // The test mail comes from the agent's own address through the e-mail door.
    const sent = await admin.post('/inbox/test-mail', {});
    expect(sent.status).toBe(303);
    const id = Number(/\/tickets\/(\d+)/.exec(sent.location!)![1]);
    const ticket = await t.api('GET', `/api/tickets/${id}`);
    expect(ticket.body.ticket.subject).toBe('Test mail: does Chorus receive this?');
    expect(JSON.stringify(ticket.body.ticket)).toContain(t.admin.email);
    expect((await admin.get('/inbox')).html).not.toContain('data-getting-started');
  });

  it('creates from the fields of the chosen channel; a bad value is named beside its field and the form keeps it', async () => {
    const bad = await admin.post('/admin/inboxes', { name: 'Bot', channel: 'telegram', [set('telegram', 'botToken')]: 'short', [set('telegram', 'botId')]: '77', [set('email', 'aliases')]: 'ignored@acme.test' });
    expect(bad.status).toBe(422);
    expect(bad.html).toMatch(/<div class="field-error" role="alert">Bot token: [^<]+<\/div>/);
    expect(bad.html).toMatch(/name="set\.telegram\.botToken"[^>]*aria-invalid="true"/);
    expect(bad.html).toMatch(/name="set\.telegram\.botId" value="77"/);
    expect(bad.html).toContain('value="Bot"');
    expect(await inboxNamed('Bot')).toBeUndefined();

    const ok = await admin.post('/admin/inboxes', { name: 'Bot', channel: 'telegram', [set('telegram', 'botToken')]: '123456:abcdefghij', [set('telegram', 'botId')]: '77' });
    expect(ok.status).toBe(201);
    expect((await inboxNamed('Bot')).settings).toMatchObject({ botToken: '123456:abcdefghij', botId: '77', apiBaseUrl: 'https://api.telegram.org' });
    expect((await inboxNamed('Bot')).settings?.aliases).toBeUndefined();
  });

  it('edits an inbox with its own form: secrets are never shown and kept when left empty; IMAP is a block; JSON is advanced', async () => {
    const bot = await inboxNamed('Bot');
    let page = await admin.get(`/admin/inboxes/${bot.id}/settings`);
    expect(page.status).toBe(200);
    expect(page.html).not.toContain('abcdefghij');
    expect(page.html).toMatch(/name="set\.telegram\.botToken" value=""[^>]*placeholder="stored — leave empty to keep it"/);
    let saved = await admin.post(`/admin/inboxes/${bot.id}/settings`, { [set('telegram', 'botToken')]: '', [set('telegram', 'botId')]: '78' });
    expect(saved.status).toBe(303);
    expect((await inboxRepository.findById(t.s.db.m, bot.id))!.settings).toMatchObject({ botToken: '123456:abcdefghij', botId: '78' });

    const mail = await inboxNamed('Support');
    const imap = { [set('email', 'imap.host')]: 'imap.acme.test', [set('email', 'imap.user')]: 'help', [set('email', 'imap.pass')]: 'imap-pass-1', [set('email', 'imap.secure')]: '1', [set('email', 'aliases')]: 'sales@acme.test' };
    const bad = await admin.post(`/admin/inboxes/${mail.id}/settings`, { ...imap, [set('email', 'imap.port')]: 'ninety' });
    expect(bad.status).toBe(422);
    expect(bad.html).toMatch(/<div class="field-error" role="alert">IMAP port: [^<]+<\/div>/);
    expect(bad.html).toMatch(/data-settings-error>Check the highlighted fields — IMAP port: /);
    expect(bad.html).toMatch(/name="set\.email\.imap\.host" value="imap\.acme\.test"/);
    expect((await inboxRepository.findById(t.s.db.m, mail.id))!.settings?.imap).toBeUndefined();
    saved = await admin.post(`/admin/inboxes/${mail.id}/settings`, { ...imap, [set('email', 'imap.port')]: '1993' });
    expect(saved.status).toBe(303);
    expect((await inboxRepository.findById(t.s.db.m, mail.id))!.settings?.imap).toMatchObject({ host: 'imap.acme.test', port: 1993, user: 'help', pass: 'imap-pass-1', secure: true, idle: false });
    page = await admin.get(`/admin/inboxes/${mail.id}/settings`);
    expect(page.html).not.toContain('imap-pass-1');
    // Emptying the host removes the mailbox block.
    saved = await admin.post(`/admin/inboxes/${mail.id}/settings`, { ...imap, [set('email', 'imap.host')]: '' });
    expect((await inboxRepository.findById(t.s.db.m, mail.id))!.settings?.imap).toBeUndefined();

    const form = await inboxNamed('Contact form');
    const badJson = await admin.post(`/admin/inboxes/${form.id}/settings`, { [set('webform', 'slug')]: 'contact', settings: '{"customFields": [' });
    expect(badJson.status).toBe(422);
    expect(badJson.html).toContain('Advanced settings: Settings must be JSON');
    expect(badJson.html).toContain('{&quot;customFields&quot;: [');
    const badField = await admin.post(`/admin/inboxes/${form.id}/settings`, { [set('webform', 'slug')]: 'contact', settings: '{"customFields": [{"name": "Order No", "label": "Order"}]}' });
    expect(badField.status).toBe(422);
    expect(badField.html).toMatch(/customFields\.0\.name \(advanced\): lowercase letters, digits and _/);
    saved = await admin.post(`/admin/inboxes/${form.id}/settings`, { [set('webform', 'slug')]: 'contact', [set('webform', 'askSubject')]: '1', settings: '{"customFields": [{"name": "order", "label": "Order number"}]}' });
    expect(saved.status).toBe(303);
    expect((await inboxRepository.findById(t.s.db.m, form.id))!.settings).toMatchObject({ slug: 'contact', askSubject: true, customFields: [{ name: 'order', label: 'Order number' }] });
    expect((await fetch(`${t.url}/forms/contact`).then((r) => r.text()))).toContain('Order number');
  });
});
