import { type Browser } from 'playwright-core';
import { createInbox } from '../src/inboxes/create-inbox';
import { launchChromium } from './helpers/browser';
import { postRawEmail, startTestChorus, type TestChorus } from './helpers/test-chorus';
import { signInByLink } from './helpers/web-client';

// A German browser on a phone (390 px, Chromium's own Accept-Language from its locale): every
// customer page speaks German, fits the screen, and shows its main control.
describe('Customer pages in German at 390 px', () => {
  let t: TestChorus;
  let browser: Browser;
  let ticketId = 0;

  beforeAll(async () => {
    t = await startTestChorus();
    await createInbox(t.s.db, Date.now(), { name: 'Form', channel: 'webform', settings: { slug: 'hilfe', title: 'Hilfe', askSubject: true } });
    const mail = await createInbox(t.s.db, Date.now(), { name: 'Support', channel: 'email', address: 'support@de.test' });
    ticketId = (await postRawEmail(t, mail.id, ['From: Greta <greta@cust.test>', 'To: support@de.test', 'Subject: Paket fehlt', 'Message-ID: <g1@cust.test>', '', 'Hallo, mein Paket ist nicht da. Bitte helfen Sie mir, danke.', ''].join('\r\n'))).ticketId;
    await t.api('POST', `/api/tickets/${ticketId}/replies`, { text: 'Es ist unterwegs.' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('forms, community, ask, sign-in, /my, the profile and the thread', async () => {
    const signedIn = await signInByLink(t, 'greta@cust.test', { 'accept-language': 'de' });
    const [name, value] = signedIn.cookie.split('=');
    const pages: [string, string, boolean][] = [
      ['/forms/hilfe', 'button:has-text("Senden")', false],
      ['/community', 'a:has-text("Frage stellen")', false],
      ['/community/ask', 'button:has-text("Frage veröffentlichen")', true],
      ['/signin', 'button:has-text("Link schicken")', false],
      ['/my', 'h1:has-text("Meine Anfragen")', true],
      ['/my/profile', 'button:has-text("Profil speichern")', true],
      [`/t/${ticketId}`, 'button:has-text("Antwort senden")', true],
    ];
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'de-DE' });
    await ctx.addCookies([{ name, value, url: t.url }]);
    const anon = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'de-DE' });
    const problems: string[] = [];
    for (const [p, control, needsSession] of pages) {
      const page = await (needsSession ? ctx : anon).newPage();
      page.on('pageerror', (err) => problems.push(`${p}: ${err.message}`));
      await page.goto(t.url + p);
      if (await page.getAttribute('html', 'lang') !== 'de') problems.push(`${p}: not German`);
      if (!(await page.locator(control).first().isVisible())) problems.push(`${p}: ${control} not visible`);
      const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      if (wide > 0) problems.push(`${p}: scrolls ${wide}px sideways`);
      await page.close();
    }
    await ctx.close();
    await anon.close();
    expect(problems).toEqual([]);
  });
});
