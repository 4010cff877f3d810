import { createInbox } from '../src/inboxes/create-inbox';
import { captureSmtp } from './helpers/smtp-capture';
import { DB_KINDS, postRawEmail, startTestChorus, type TestChorus } from './helpers/test-chorus';
import { waitFor } from './helpers/wait';
import { contactRepository } from '../src/db/repositories/contact.repository';
import { AgentClient } from './helpers/agent-client';

// A German customer reads German: pages by their browser's Accept-Language, e-mails (the
// satisfaction survey, the reply notification, the sign-in link) by their last message's
// language, unless an agent set the language on the contact.
describe.each(DB_KINDS)('languages (%s)', (db) => {
  let t: TestChorus;
  let relay: Awaited<ReturnType<typeof captureSmtp>>;
  let inboxId = 0;
  let n = 0;
  const get = async (p: string, lang?: string) => {
    const res = await fetch(t.url + p, { headers: lang ? { 'accept-language': lang } : {} });
    return res.text();
  };
  const write = async (from: string, subject: string, text: string) =>
    (await postRawEmail(t, inboxId, [`From: ${from}`, 'To: hilfe@lang.test', `Subject: ${subject}`, `Message-ID: <l${++n}@cust.test>`, '', text, ''].join('\r\n'))).ticketId;
  const mailTo = (to: string, pred: (subject: string) => boolean) => waitFor(() => relay.mails.find((m) => (m.to as { text: string }).text === to && pred(String(m.subject))), (m) => !!m);

  beforeAll(async () => {
    relay = await captureSmtp();
    t = await startTestChorus({ db, env: { SMTP_URL: `smtp://127.0.0.1:${relay.port}` } });
    inboxId = (await createInbox(t.s.db, Date.now(), { name: 'Hilfe', channel: 'email', address: 'hilfe@lang.test', settings: { csat: { enabled: true } } })).id;
    await createInbox(t.s.db, Date.now(), { name: 'Form', channel: 'webform', settings: { slug: 'hilfe', title: 'Hilfe' } });
  });
  afterAll(async () => {
    await t?.stop();
    await relay?.close();
  });

  it('serves the pages in the language the browser asks for, English otherwise', async () => {
    const de = await get('/forms/hilfe', 'de-DE,de;q=0.9,en;q=0.5');
    expect(de).toContain('<html lang="de">');
    expect(de).toContain('Wie können wir helfen?');
    expect(de).toContain('>Senden</button>');
    expect(de).toContain('>Fragen</a>');
    expect(await get('/signin', 'de')).toContain('Link schicken');
    expect(await get('/community', 'de-AT')).toContain('Bereitgestellt mit Chorus');
    const en = await get('/forms/hilfe', 'fr-FR, es;q=0.8');
    expect(en).toContain('<html lang="en">');
    expect(en).toContain('How can we help?');
    expect(await get('/signin')).toContain('Send me a link');
  });

  it('a German sign-in request gets a German link mail', async () => {
    const res = await fetch(`${t.url}/signin`, { method: 'POST', body: new URLSearchParams({ email: 'greta@cust.test' }), headers: { 'accept-language': 'de' } });
    expect(await res.text()).toContain('Sehen Sie in Ihre E-Mails');
    const mail = await mailTo('greta@cust.test', (s) => s === 'Ihr Anmeldelink');
    expect(mail?.text).toContain('Mit diesem Link melden Sie sich an.');
  });

  it('the contact page shows the language a customer is written to in and why, and an agent changes it there', async () => {
    const id = await write('Anna <anna@cust.test>', 'Lieferung fehlt', 'Guten Tag, meine Lieferung ist noch nicht angekommen. Können Sie bitte nachsehen, wo sie ist? Vielen Dank.');
    const contactId = (await t.api('GET', `/api/tickets/${id}`)).body.ticket.requester.id as number;
    const agent = new AgentClient(t);
    await agent.signIn(t.admin.email, t.admin.password);
    const shown = async () => /data-effective-language>([^<]+)<\/strong> <span class="muted">\(([^)]+)\)/.exec((await agent.get(`/contacts/${contactId}`)).html)?.slice(1);
    expect(await shown()).toEqual(['Deutsch', 'from the language of their last message']);

    const refused = await agent.post(`/contacts/${contactId}/language`, { language: 'fr' });
    expect(refused.status).toBe(422);
    expect(refused.html).toMatch(/id="c-language" name="language" aria-invalid="true">[\s\S]*?<div class="field-error">Choose one of en, de/);
    expect((await contactRepository.findById(t.s.db.m, contactId))!.language).toBeNull();

    expect((await agent.post(`/contacts/${contactId}/language`, { language: 'en' })).status).toBe(303);
    expect(await shown()).toEqual(['English', 'set by an agent']);
    expect((await contactRepository.findById(t.s.db.m, contactId))!.language).toBe('en');
    expect((await t.api('GET', `/api/tickets/${id}/customer-language`)).body).toEqual({ language: 'en', effective: 'en', source: 'agent' });

    expect((await agent.post(`/contacts/${contactId}/language`, { language: '' })).status).toBe(303);
    expect(await shown()).toEqual(['Deutsch', 'from the language of their last message']);
  });

  it('a customer who wrote in German gets the reply notification and the survey in German; an agent can switch them to English', async () => {
    const id = await write('Jonas <jonas@cust.test>', 'Rechnung falsch', 'Hallo, die Rechnung ist nicht richtig. Ich habe sie mit der Bitte um Korrektur geschickt, danke.');
    const lang = await t.api('GET', `/api/tickets/${id}/customer-language`);
    expect(lang.body).toEqual({ language: null, effective: 'de', source: 'message' });
    expect((await t.api('POST', `/api/tickets/${id}/replies`, { text: 'Wir korrigieren die Rechnung.' })).status).toBe(201);
    const reply = await mailTo('jonas@cust.test', (s) => s.includes(`[#${id}]`) && s.startsWith('Re:'));
    expect(reply?.text).toContain(`Anfrage #${id}: Rechnung falsch`);
    expect(String(reply?.html)).toContain('Antworten Sie oberhalb dieser Zeile');

    expect((await t.api('PATCH', `/api/tickets/${id}`, { status: 'solved' })).status).toBe(200);
    const survey = await mailTo('jonas@cust.test', (s) => s === `Wie waren wir? [#${id}] Rechnung falsch`);
    expect(survey).toBeTruthy();
    expect(survey!.text).toMatch(/^Gut: http\S+score=good$/m);
    expect(survey!.text).toMatch(/^Schlecht: http\S+score=bad$/m);
    expect(survey!.text).toContain('Die Links gelten 30 Tage.');
    // The rating page the link opens speaks German to a German browser.
    const link = /^Gut: (\S+)$/m.exec(survey!.text!)![1];
    const page = await get(new URL(link).pathname + new URL(link).search, 'de');
    expect(page).toContain('Vielen Dank');

    // The agent overrides: English from now on, whatever the customer writes.
    const detail = (await t.api('GET', `/api/tickets/${id}`)).body;
    const contactId = (detail.ticket ?? detail).requester.id;
    expect((await t.api('PUT', `/api/contacts/${contactId}/language`, { language: 'fr' })).body.error.details.fields.language[0]).toContain('Choose one of en, de');
    expect((await t.api('PUT', `/api/contacts/${contactId}/language`, { language: 'en' })).body).toEqual({ language: 'en' });
    expect((await t.api('GET', `/api/tickets/${id}/customer-language`)).body).toEqual({ language: 'en', effective: 'en', source: 'agent' });
    const id2 = await write('Jonas <jonas@cust.test>', 'Noch eine Frage', 'Hallo, ich habe noch eine Frage zu der Rechnung, bitte.');
    await t.api('POST', `/api/tickets/${id2}/replies`, { text: 'Sure.' });
    const english = await mailTo('jonas@cust.test', (s) => s.includes(`[#${id2}]`) && s.startsWith('Re:'));
    expect(english?.text).toContain(`Ticket #${id2}: Noch eine Frage`);
  });
});
