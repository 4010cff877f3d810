import fs from 'node:fs';
import path from 'node:path';
import { type Browser } from 'playwright-core';
import { createInbox } from '../src/inboxes/create-inbox';
import { contrastOf, devicePage, launchChromium } from './helpers/browser';
import { png } from './helpers/images';
import { postRawEmail, startTestChorus, type TestChorus } from './helpers/test-chorus';
import { lastMagicLink } from './helpers/web-client';

// The branded customer pages on a desk and on a phone: the logo loads, the name and the colour
// show, nothing scrolls sideways, and the embedded form is the form alone.
describe('Branded customer pages at 1280 and 390 px', () => {
  let t: TestChorus;
  let browser: Browser;
  let ticketId = 0;
  const shots = path.resolve(__dirname, '../docs/screenshots');

  beforeAll(async () => {
    t = await startTestChorus();
    // A long name and a pale colour: the hard case for a phone header and for contrast.
    const r = await t.api('PUT', '/api/branding', { companyName: 'Northwind Kettle Company', accent: '#f59e0b', logoBase64: png(300, 100, [245, 158, 11]).toString('base64') });
    expect(r.status).toBe(200);
    await createInbox(t.s.db, Date.now(), { name: 'Kettle help', channel: 'webform', settings: { slug: 'kettles', title: 'Kettle help', intro: 'Tell us what happened.' } });
    const mail = await createInbox(t.s.db, Date.now(), { name: 'Support', channel: 'email', address: 'support@northwind.test' });
    ticketId = (await postRawEmail(t, mail.id, ['From: Ada <ada@cust.test>', 'To: support@northwind.test', 'Subject: The whistle is too quiet', 'Message-ID: <w1@cust.test>', '', 'I cannot hear it from the living room.', ''].join('\r\n'))).ticketId;
    await t.api('POST', `/api/tickets/${ticketId}/replies`, { text: 'We will send a louder whistle.' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  for (const width of [1280, 390]) {
    it(`at ${width} px: the community, forms, sign-in and thread carry the brand and fit the screen`, async () => {
      const page = await devicePage(browser, width);
      const ctx = page.context();
      const wide: string[] = [];
      const visit = async (p: string, header: boolean) => {
        await page.goto(t.url + p);
        const [sw, iw] = await page.evaluate(() => [document.scrollingElement!.scrollWidth, window.innerWidth]);
        if (sw > iw) wide.push(`${p}: ${sw} > ${iw}`);
        if (!header) return;
        await page.waitForSelector('.web-top .brand-logo', { state: 'visible' });
        // The image really loaded (the logo door answered, the CSP let it in).
        expect(await page.$eval('.web-top .brand-logo', (img) => (img as HTMLImageElement).naturalWidth)).toBe(300);
        expect((await page.locator('.web-top .brand-logo').boundingBox())!.height).toBeLessThanOrEqual(40);
        expect(await page.isVisible('.web-top .brand-name')).toBe(true);
      };

      await visit('/community', true);
      expect(await page.textContent('.web-top .brand-name')).toBe('Northwind Kettle Company');
      // Pale amber: buttons keep it with dark ink; links use a darker shade that reads on white.
      expect(await page.$eval('.hero .btn.primary', (b) => getComputedStyle(b).backgroundColor)).toBe('rgb(245, 158, 11)');
      expect(await contrastOf(page, '.hero .btn.primary')).toBeGreaterThanOrEqual(4.5);
      expect(await contrastOf(page, '.web-foot')).toBeGreaterThanOrEqual(4.5);
      if (width < 500) {
        fs.mkdirSync(shots, { recursive: true });
        await page.screenshot({ path: path.join(shots, 'community-branded-phone.png') });
      }
      await visit('/forms/kettles', true);
      expect(await contrastOf(page, 'form .btn.primary')).toBeGreaterThanOrEqual(4.5);
      await visit('/forms/kettles?embed=1', false);
      expect(await page.locator('.web-top').count()).toBe(0);
      expect(await page.isVisible('textarea[name=message]')).toBe(true);
      expect(await page.$eval('form .btn.primary', (b) => getComputedStyle(b).backgroundColor)).toBe('rgb(245, 158, 11)');

      await visit('/signin', true);
      await page.fill('input[name=email]', 'ada@cust.test');
      await page.click('button[type=submit]');
      await page.waitForSelector('.web-top .brand-name');
      await page.goto(await lastMagicLink(t, 'ada@cust.test'));
      await page.click('button[type=submit]');
      await page.waitForURL(/\/my$/);
      await visit('/my', true);
      await visit('/my/profile', true);
      expect(await page.isVisible('input[name=displayName]')).toBe(true);
      await visit(`/t/${ticketId}`, true);
      await page.waitForSelector('.post >> text=louder whistle', { state: 'visible' });
      expect(await contrastOf(page, '.crumbs a')).toBeGreaterThanOrEqual(4.5);
      expect(wide).toEqual([]);
      await ctx.close();
    });
  }
});
