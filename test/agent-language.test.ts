import { createAgent } from '../src/agents/create-agent';
import { agentRepository } from '../src/db/repositories/agent.repository';
import { apiInbox, DB_KINDS, postSigned, startTestChorus, type TestChorus } from './helpers/test-chorus';
import { AgentClient } from './helpers/agent-client';
import path from 'node:path';
import { requestPasswordReset } from '../src/auth/password-reset';
import { OutboxItem } from '../src/db/entities';
import { Mailer } from '../src/mail/mailer';
import { ROOT } from '../src/paths';
import { notifyAgents } from '../src/tickets/commands/notify-agents';

// The agent app speaks the agent's language: their own choice (settings page or API), else what
// their browser asks for, else English. Customer-facing words are not affected.
describe.each(DB_KINDS)('agent app language (%s)', (db) => {
  let t: TestChorus;
  let ticketId = 0;
  const agent = async (email: string, lang: string) => {
    await createAgent(t.s.db, Date.now(), { email, name: email.split('@')[0], password: 'agent-password', role: 'agent' });
    const c = new AgentClient(t);
    c.acceptLanguage = lang;
    await c.signIn(email, 'agent-password');
    return c;
  };

  beforeAll(async () => {
    t = await startTestChorus({ db });
    const inbox = await apiInbox(t);
    const r = await postSigned(t, inbox, { externalId: 'lang-1', author: { id: 'c1', name: 'Cleo Kundin' }, subject: 'Rechnung fehlt', text: 'Wo ist meine Rechnung?', audience: 'private', threadKey: 'lang-1' });
    ticketId = (r.body as { ticketId: number }).ticketId;
  });
  afterAll(async () => t?.stop());

  it('an agent whose browser says German gets the inbox and the ticket page in German', async () => {
    const greta = await agent('greta@chorus.test', 'de-DE,de;q=0.9,en;q=0.5');
    const inbox = await greta.get('/inbox');
    expect(inbox.html).toContain('<html lang="de"');
    expect(inbox.html).toContain('>Posteingang</a>');
    expect(inbox.html).toContain('<h3>Ansichten</h3>');
    expect(inbox.html).toContain('Nicht zugewiesen');
    expect(inbox.html).toContain('>Anwenden</button>');
    expect(inbox.html).toMatch(/<span class="pill status-new">neu<\/span>/);
    // The scripts get their words from the page, in the same language.
    expect(inbox.html).toMatch(/<script type="application\/json" id="agent-strings">[^<]*"selected":"\{\{n\}\} ausgewählt"/);
    // The live refresh renders the rows per request: in the agent's language too.
    const live = await greta.get('/inbox/live', 'application/json');
    const rows = JSON.parse(live.html) as { html: string };
    expect(rows.html).toContain('>neu</span>');
    expect(rows.html).toContain('Nicht zugewiesen');
    const ticket = await greta.get(`/tickets/${ticketId}`);
    expect(ticket.html).toContain('<html lang="de"');
    expect(ticket.html).toContain('<h2>Eigenschaften</h2>');
    expect(ticket.html).toContain('> An Beteiligte</label>');
    expect(ticket.html).toContain('>Senden</button>');
    expect(ticket.html).toContain('Cleo Kundin');
    // The history too.
    expect(ticket.html).toMatch(/<span>Ticket eröffnet/);
    // An English browser (or none) keeps English.
    const ed = await agent('ed@chorus.test', 'en-GB');
    expect((await ed.get('/inbox')).html).toContain('<h3>Views</h3>');
    expect((await ed.get(`/tickets/${ticketId}`)).html).toContain('<h2>Properties</h2>');
  });

  it("the agent's own choice wins over the browser, from the settings form and the API", async () => {
    const hans = await agent('hans@chorus.test', 'de');
    const settings = await hans.get('/notifications/settings');
    expect(settings.html).toContain('Sprache meines Browsers (Deutsch)');
    const saved = await hans.post('/me/locale', { locale: 'en' });
    expect(saved.status).toBe(303);
    expect(saved.location).toBe('/notifications/settings?saved=1');
    expect((await hans.get('/inbox')).html).toContain('<h3>Views</h3>');
    const page = await hans.get('/notifications/settings');
    expect(page.html).toContain('<option value="en" selected>English</option>');
    // Back to automatic: the browser's German again.
    await hans.post('/me/locale', { locale: '' });
    expect((await hans.get('/inbox')).html).toContain('<h3>Ansichten</h3>');

    // The JSON API: the admin (API token, no browser language) chooses German for themselves.
    expect((await t.api('GET', '/api/me/locale')).body).toEqual({ locale: null, effective: 'en' });
    const put = await t.api('PUT', '/api/me/locale', { locale: 'de' });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ locale: 'de', effective: 'de' });
    const admin = new AgentClient(t);
    admin.acceptLanguage = 'en';
    await admin.signIn(t.admin.email, t.admin.password);
    expect((await admin.get(`/tickets/${ticketId}`)).html).toContain('<h2>Eigenschaften</h2>');
    expect((await t.api('PUT', '/api/me/locale', { locale: null })).body).toEqual({ locale: null, effective: 'en' });
    // The OpenAPI document describes both, with the languages it takes.
    const doc = (await t.api('GET', '/api/openapi.json')).body;
    expect(Object.keys(doc.paths['/api/me/locale']).sort()).toEqual(['get', 'put']);
    expect(JSON.stringify(doc.paths['/api/me/locale'].put.requestBody)).toContain('"de"');
  });

  it("notifications are worded in the agent's chosen language when they are written", async () => {
    const lena = await agent('lena@chorus.test', 'en');
    expect((await lena.post('/me/locale', { locale: 'de' })).status).toBe(303);
    const id = (await agentRepository.findByEmail(t.s.db.m, 'lena@chorus.test'))!.id;
    expect((await t.api('PATCH', `/api/tickets/${ticketId}`, { assigneeId: id })).status).toBe(200);
    const list = await lena.get('/notifications');
    expect(list.html).toContain(`#${ticketId} Rechnung fehlt wurde Ihnen von`);
    expect(list.html).toContain('<h1>Benachrichtigungen</h1>');
  });

  it("the e-mails to an agent (mention, a rule's notice, password reset) are in the agent's chosen language", async () => {
    const jonas = await agent('jonas@chorus.test', 'en');
    expect((await jonas.post('/me/locale', { locale: 'de' })).status).toBe(303);
    const id = (await agentRepository.findByEmail(t.s.db.m, 'jonas@chorus.test'))!.id;
    const mailer = new Mailer(t.s.config, t.s.logger, path.join(ROOT, 'views'));
    const payloads = async (template: string) => (await t.s.db.m.getRepository(OutboxItem).find({ where: { kind: 'notification.email' } }))
      .map((i) => i.payload as { to: string; subject: string; template: string; data: Record<string, unknown> }).filter((p) => p.to === 'jonas@chorus.test' && p.template === template);
    const ada = { kind: 'agent' as const, agentId: t.admin.id, role: 'admin' as const, name: 'Ada Admin' };
    const deps = { ...t.s.commands, publicUrl: t.url };

    const note = await t.api('POST', `/api/tickets/${ticketId}/notes`, { text: '@jonas bitte die Rechnung prüfen' });
    expect(note.status).toBe(201);
    const [mention] = await payloads('agent-mention');
    expect(mention.subject).toBe(`Ada Admin hat Sie in #${ticketId} erwähnt`);
    const m = mailer.render('agent-mention', mention.data);
    expect(m.text).toContain(`Ada Admin hat Sie in einer internen Notiz zu #${ticketId} Rechnung fehlt erwähnt:`);
    expect(m.html).toContain('>Ticket öffnen</a>');

    await notifyAgents({ ...deps, cause: { kind: 'rule', id: 7, name: 'VIP' } }, ada, ticketId, { agentIds: [id], text: 'Bitte ansehen' });
    const [notice] = await payloads('automation-notice');
    expect(mailer.render('automation-notice', notice.data).text).toContain(`Die Regel „VIP“ bittet Sie, sich #${ticketId} Rechnung fehlt anzusehen.`);

    await requestPasswordReset(t.s, 'jonas@chorus.test', '203.0.113.9');
    const [reset] = await payloads('password-reset');
    expect(reset.subject).toBe('Ihr Chorus-Passwort zurücksetzen');
    const r = mailer.render('password-reset', reset.data);
    expect(r.html).toContain('Hallo jonas,');
    expect(r.html).toContain('>Neues Passwort wählen</a>');
    expect(r.text).not.toMatch(/agent\.mail|Reset your/);

    // An agent who chose nothing gets them in English.
    await requestPasswordReset(t.s, t.admin.email, '203.0.113.9');
    const mine = (await t.s.db.m.getRepository(OutboxItem).find({ where: { kind: 'notification.email' } })).map((i) => i.payload as { to: string; subject: string }).filter((p) => p.to === t.admin.email);
    expect(mine.map((p) => p.subject)).toContain('Reset your Chorus password');
  });

  it('refuses a language Chorus has no catalogue for with 400 naming the field', async () => {
    const api = await t.api('PUT', '/api/me/locale', { locale: 'fr' });
    expect(api.status).toBe(400);
    expect(api.body.error.details.fields).toHaveProperty('locale');
    expect(api.body.error.message).toContain('locale');
    const hans = new AgentClient(t);
    await hans.signIn('hans@chorus.test', 'agent-password');
    const form = await hans.post('/me/locale', { locale: 'klingon' });
    expect(form.status).toBe(400);
    expect(form.html).toContain('locale');
    // Nothing was changed by the refused requests.
    expect((await t.api('GET', '/api/me/locale')).body.locale).toBeNull();
  });
});
