import { createInbox } from '../src/inboxes/create-inbox';
import { apiInbox, postSigned, startTestChorus, type TestChorus } from './helpers/test-chorus';
import { agentSession } from './helpers/sockets';

// "/" is the front door: a sign-in page under the company's name while there is no community,
// the community once it is in use, and the inbox for a signed-in agent.
describe('the landing page', () => {
  let t: TestChorus;
  beforeAll(async () => { t = await startTestChorus(); });
  afterAll(async () => t?.stop());
  const home = (headers: Record<string, string> = {}) => fetch(`${t.url}/`, { headers, redirect: 'manual' });

  it('signs in under the company name, lists the forms, sends agents to the inbox and visitors to the community once in use', async () => {
    let r = await home();
    expect(r.status).toBe(200);
    let html = await r.text();
    expect(html).toContain('<h1>Chorus support</h1>');
    expect(html).toContain('href="/signin" data-customer-signin');
    expect(html).toContain('href="/login" data-staff-signin');

    expect((await t.api('PUT', '/api/branding', { companyName: 'Northwind Kettles' })).status).toBe(200);
    await createInbox(t.s.db, Date.now(), { name: 'Contact', channel: 'webform', settings: { slug: 'contact', title: 'Write to the kettle team' } });
    html = await (await home()).text();
    expect(html).toContain('<h1>Northwind Kettles support</h1>');
    expect(html).toContain('<a href="/forms/contact">Write to the kettle team</a>');
    // A German browser reads the same page in German.
    const de = await (await home({ 'accept-language': 'de-DE,de;q=0.9' })).text();
    expect(de).toContain('<h1>Northwind Kettles Support</h1>');
    expect(de).toContain('Schreiben Sie uns');
    expect(de).toContain('Anmeldung für Mitarbeitende');

    const agent = await agentSession(t, t.admin.email, t.admin.password);
    r = await home({ cookie: agent.cookie });
    expect([r.status, r.headers.get('location')]).toEqual([303, '/inbox']);

    const api = await apiInbox(t);
    await postSigned(t, api, { externalId: 'q1', author: { id: 'asker' }, text: 'How do I descale?', audience: 'public' });
    r = await home();
    expect([r.status, r.headers.get('location')]).toEqual([303, '/community']);
  });
});
