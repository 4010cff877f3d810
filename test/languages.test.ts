import { createInbox } from '../src/inboxes/create-inbox';
import { captureSmtp } from './helpers/smtp-capture';
import { DB_KINDS, postRawEmail, startTestChorus, type TestChorus } from './helpers/test-chorus';
import { waitFor } from './helpers/wait';
import { contactRepository } from '../src/db/repositories/contact.repository';
import { AgentClient } from './helpers/agent-client';
import { signInByLink } from './helpers/web-client';
import fs from 'node:fs';
import { readCatalogue } from '../src/i18n/i18n';
import type { Locale } from '../src/i18n/locale';
import path from 'node:path';

// A German customer reads German: pages by their browser's Accept-Language, e-mails (the
// satisfaction survey, the reply notification, the sign-in link) by their last message's
// language, unless an agent set the language on the contact.
describe.each(DB_KINDS)('languages (%s)', (db) => {
  let t: TestChorus;
  let relay: Awaited<ReturnType<typeof captureSmtp>>;
  let inboxId = 0;
  let ackInboxId = 0;
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
    await createInbox(t.s.db, Date.now(), { name: 'Form', channel: 'webform', settings: { slug: 'hilfe', title: 'Hilfe', askSubject: true, minFillSeconds: 0 } });
    ackInboxId = (await createInbox(t.s.db, Date.now(), { name: 'Laden', channel: 'email', address: 'laden@lang.test', settings: { autoAck: { enabled: true, windowHours: 24 } } })).id;
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
    // The error page's way back follows the browser too.
    const page = (lang: string) => fetch(`${t.url}/forms/no-such-form`, { headers: { accept: 'text/html', 'accept-language': lang } }).then((r) => r.text());
    expect(await page('de')).toContain('Zur Startseite');
    expect(await page('en')).toContain('Back to the start page');
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

    // The same, from the ticket's sidebar, which the override sends the agent back to.
    const onTicket = async () => /data-effective-language>([^<]+)<\/strong> <span class="muted">\(([^)]+)\)/.exec((await agent.get(`/tickets/${id}`)).html)?.slice(1);
    expect(await onTicket()).toEqual(['Deutsch', 'from the language of their last message']);
    expect((await agent.get(`/tickets/${id}`)).html).toMatch(/<select id="t-language" name="language"><option value="" selected>Automatic<\/option>/);
    const fromSidebar = await agent.post(`/contacts/${contactId}/language`, { language: 'en', back: `/tickets/${id}` });
    expect([fromSidebar.status, fromSidebar.location]).toEqual([303, `/tickets/${id}`]);
    expect(await onTicket()).toEqual(['English', 'set by an agent']);
    // Only a ticket page is a place to go back to.
    expect((await agent.post(`/contacts/${contactId}/language`, { language: '', back: 'https://evil.test/' })).location).toBe(`/contacts/${contactId}?saved=1`);
    expect(await onTicket()).toEqual(['Deutsch', 'from the language of their last message']);
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

  it('a German customer who writes from the web form gets a German confirmation, German pages (/my, the thread) and German replies', async () => {
    const de = { 'accept-language': 'de-DE,de;q=0.9' };
    const meta = (await (await fetch(`${t.url}/api/forms/hilfe`)).json()) as { stamp: string };
    const sent = await fetch(`${t.url}/api/forms/hilfe/submissions`, { method: 'POST', headers: { 'content-type': 'application/json', ...de }, body: JSON.stringify({ stamp: meta.stamp, name: 'Greta', email: 'greta.form@cust.test', subject: 'Paket & Rechnung', message: 'Wo ist mein Paket?' }) });
    expect({ status: sent.status, body: sent.status === 201 ? null : await sent.text() }).toEqual({ status: 201, body: null });
    const id = ((await sent.json()) as { ticketId: number }).ticketId;
    const confirm = await mailTo('greta.form@cust.test', (subject) => subject === `Ihre Nachricht ist angekommen [#${id}]`);
    expect(confirm?.text).toContain('Guten Tag Greta,');
    expect(confirm?.text).toContain(`Wir haben Ihre Nachricht „Paket & Rechnung“ erhalten und die Anfrage #${id} eröffnet.`);
    expect(String(confirm?.html)).toContain('Paket &amp; Rechnung');
    expect(String(confirm?.html)).toContain('>Unterhaltung verfolgen</a>');

    const me = await signInByLink(t, 'greta.form@cust.test', de);
    const my = (await me.get('/my')).html;
    expect(my).toContain('<h1>Meine Anfragen</h1>');
    expect(my).toContain('Meine Kopie herunterladen');
    expect(my).not.toContain('Download my copy');
    expect((await t.api('POST', `/api/tickets/${id}/replies`, { text: 'Es ist unterwegs.' })).status).toBe(201);
    const thread = (await me.get(`/t/${id}`)).html;
    expect(thread).toContain('<html lang="de">');
    expect(thread).toMatch(/<\/span>\s+gefragt von \S/);
    expect(thread).toContain('>Antwort senden</button>');
    expect(thread).toContain('Ihre Antwort <textarea');
    expect(thread).toContain('<span class="badge private">Privat</span>');
    expect(thread).not.toMatch(/Post reply|Your reply|asked by/);
    expect((await me.get('/t/999999')).html).toContain('Unterhaltung nicht gefunden');
    const badLink = await fetch(`${t.url}/csat/not-a-token`, { headers: de });
    expect(badLink.status).toBe(404);
    expect(await badLink.text()).toContain('<h1>Dieser Bewertungslink ist ungültig</h1>');
    const noEmail = await fetch(`${t.url}/signin`, { method: 'POST', body: new URLSearchParams({ email: 'nope' }), headers: de });
    expect(await noEmail.text()).toContain('Geben Sie Ihre E-Mail-Adresse ein.');
    // The reply's notification follows the form's language (the customer's browser said German
    // and the contact has no override; their message is German too).
    const reply = await mailTo('greta.form@cust.test', (subject) => subject.startsWith('Re:') && subject.includes(`[#${id}]`));
    expect(reply?.text).toContain(`Anfrage #${id}`);

    const profile = (await me.get('/my/profile')).html;
    expect(profile).toContain('<h1>Ihr öffentliches Profil</h1>');
    expect(profile).toContain('Vertrauensstufe 0 · neu');
    expect(profile).toContain('>Profil speichern</button>');
    const community = (await me.get('/community')).html;
    expect(community).toContain('>Frage stellen</a>');
    expect(community).toContain('>Neueste</a>');
    expect(community).toContain('placeholder="Fragen durchsuchen"');
    const ask = (await me.get('/community/ask')).html;
    expect(ask).toContain('>Frage veröffentlichen</button>');
    expect(ask).toContain('<h2>Gelöste Fragen wie Ihre</h2>');
    for (const html of [profile, community, ask]) expect(html).not.toMatch(/Post question|Save profile|Ask a question|Trust level/);
    expect((await me.get('/my')).html).toContain('<title>Meine Anfragen</title>');
    expect(ask).toContain('<title>Frage stellen · Chorus community</title>');

    // The same pages in English for an English browser: nothing German leaks in.
    const en = await signInByLink(t, 'greta.form@cust.test', { 'accept-language': 'en' });
    expect((await en.get('/my')).html).toContain('Download my copy');
    expect((await en.get('/my/profile')).html).toContain('Trust level 0 · new');
    expect((await en.get('/community/ask')).html).toContain('>Post question</button>');
  });

  it('the automatic acknowledgement of a German e-mail is German', async () => {
    await postRawEmail(t, ackInboxId, ['From: Lena <lena@cust.test>', 'To: laden@lang.test', 'Subject: Bestellung storniert', `Message-ID: <ack${++n}@cust.test>`, '', 'Guten Tag, ich habe eine Frage: die Bestellung ist storniert und ich weiß nicht warum. Danke.', ''].join('\r\n'));
    const ack = await mailTo('lena@cust.test', (subject) => subject.endsWith('] Bestellung storniert'));
    expect(ack?.text).toContain('Danke für Ihre Nachricht an Laden.');
    expect(ack?.text).toMatch(/Ihre Anfrage hat die Nummer #\d+: Bestellung storniert\./);
    expect(String(ack?.html)).toContain('<html lang="de">');
    expect(String(ack?.html)).toContain('>verfolgen Sie sie im Web</a>');
  });
});

// Every word a template asks for exists in English, and German has every English key (nothing
// falls back to English unnoticed).
describe('catalogues', () => {
  const flat = (o: Record<string, unknown>, prefix = ''): string[] => Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' ? flat(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`.replace(/_(one|other)$/, '')]));
  // A language's whole catalogue: locales/<lang>.json with its area files (locales/<lang>/<area>.json).
  const read = (l: string) => new Set(flat(readCatalogue(l as Locale)));

  it('de.json has every key of en.json', () => {
    const en = read('en');
    const de = read('de');
    expect([...en].filter((k) => !de.has(k))).toEqual([]);
    expect([...de].filter((k) => !en.has(k))).toEqual([]);
  });

  it('every literal key a view or e-mail uses is in the catalogue', () => {
    const en = read('en');
    const files = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.hbs') ? [path.join(dir, e.name)] : []));
    const used = files(path.join(__dirname, '..', 'views')).flatMap((f) => [...fs.readFileSync(f, 'utf8').matchAll(/\{\{\{?\(?t[h]? "([\w.]+)"(?=[\s})])(?! \w+[^=\w])/g)].map((m) => ({ f: path.basename(f), key: m[1] })));
    expect(used.length).toBeGreaterThan(50);
    expect(used.filter((u) => !u.key.endsWith('.') && !en.has(u.key))).toEqual([]);
  });
});
