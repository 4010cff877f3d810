import fs from 'node:fs';
import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { createInbox } from '../src/inboxes/create-inbox';
import { backgroundLuminance, contrastOf, devicePage, launchChromium } from './helpers/browser';
import { apiInbox, postRawEmail, postSigned, startTestChorus, type TestChorus } from './helpers/test-chorus';
import { lastMagicLink } from './helpers/web-client';

// The customer and community pages on a device that asks for dark: every page turns dark, fits
// the screen at 1280 and 390 px, and its text, muted text, links and buttons keep WCAG AA
// contrast, with Chorus's own colours and with a brand accent too dark to read on a dark card.
// The embedded form stays light: it sits on the customer's site, whose colours are unknown.
describe('Customer pages in dark mode at 1280 and 390 px', () => {
  let t: TestChorus;
  let browser: Browser;
  let ticketId = 0;
  let questionPath = '';
  const shots = path.resolve(__dirname, '../docs/screenshots');

  beforeAll(async () => {
    t = await startTestChorus();
    await createInbox(t.s.db, Date.now(), { name: 'Help form', channel: 'webform', settings: { slug: 'help', title: 'Get help', intro: 'Tell us what happened.' } });
    const mail = await createInbox(t.s.db, Date.now(), { name: 'Support', channel: 'email', address: 'support@dark.test' });
    ticketId = (await postRawEmail(t, mail.id, ['From: Noor <noor@cust.test>', 'To: support@dark.test', 'Subject: Night shift login', 'Message-ID: <n1@cust.test>', '', 'The app logs me out at midnight.', ''].join('\r\n'))).ticketId;
    await t.api('POST', `/api/tickets/${ticketId}/replies`, { text: 'Sessions now last the whole shift.' });
    const api = await apiInbox(t);
    const q = await postSigned(t, api, { externalId: 'dark-q', author: { id: 'd1', name: 'Ravi' }, subject: 'Can I pause notifications at night?', text: 'Looking for a **quiet** mode.', audience: 'public' });
    await t.api('POST', `/api/tickets/${q.body.ticketId}/tags`, { tag: 'notifications' });
    await t.api('POST', `/api/tickets/${q.body.ticketId}/replies`, { text: 'Yes: Settings → Quiet hours.', audience: 'public' });
    questionPath = `/community/${q.body.ticketId}`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  const darkPage = (width: number): Promise<Page> => devicePage(browser, width, 'dark');

  // Visits a page and collects what fails: sideways scroll, a light background, low contrast.
  async function check(page: Page, p: string, selectors: string[], failures: string[]) {
    await page.goto(t.url + p);
    const [sw, iw] = await page.evaluate(() => [document.scrollingElement!.scrollWidth, window.innerWidth]);
    if (sw > iw) failures.push(`${p}: ${sw} px wide > ${iw}`);
    if ((await backgroundLuminance(page)) > 0.05) failures.push(`${p}: background is not dark`);
    for (const sel of selectors) {
      if (!(await page.locator(sel).count())) { failures.push(`${p}: no ${sel}`); continue; }
      const ratio = await contrastOf(page, sel);
      if (ratio < 4.5) failures.push(`${p}: ${sel} contrast ${ratio.toFixed(2)}`);
    }
  }

  async function everyPage(width: number, failures: string[]) {
    const page = await darkPage(width);
    await check(page, '/community', ['h1', '.row-title', '.row-meta', '.hero .btn.primary', '.web-top nav a', '.web-foot'], failures);
    await check(page, questionPath, ['h1', '.post-body', '.thread-head .row-meta', '.post .when', '.crumbs a', '.badge.asker', '.badge.staff', '.post .avatar'], failures);
    await check(page, '/community/ask', ['h1', '.form label', '.btn.primary'], failures);
    await check(page, '/forms/help', ['h1', '.form label', '.form input[name=email]', '.btn.primary'], failures);
    await check(page, '/signin', ['h1', '.btn.primary'], failures);
    await page.fill('input[name=email]', 'noor@cust.test');
    await page.click('button[type=submit]');
    await page.waitForSelector('.web-top');
    await page.goto(await lastMagicLink(t, 'noor@cust.test'));
    await page.click('button[type=submit]');
    await page.waitForURL(/\/my$/);
    await check(page, '/my', ['h1', '.row-title', '.status'], failures);
    await check(page, '/my/profile', ['h1', '.form label', 'input[name=displayName]'], failures);
    await check(page, `/t/${ticketId}`, ['h1', '.post-body', '.crumbs a', '.badge'], failures);
    await page.waitForSelector('.post >> text=whole shift', { state: 'visible' });
    // The embed keeps the light palette whatever the device asks.
    await page.goto(`${t.url}/forms/help?embed=1`);
    expect(await page.evaluate(() => getComputedStyle(document.body).color)).toBe('rgb(29, 35, 48)');
    expect(await contrastOf(page, '.btn.primary')).toBeGreaterThanOrEqual(4.5);
    return page;
  }

  for (const width of [1280, 390]) {
    it(`at ${width} px with Chorus's colours: every customer page is dark, fits and reads`, async () => {
      const failures: string[] = [];
      const page = await everyPage(width, failures);
      expect(failures).toEqual([]);
      await page.context().close();
    });
  }

  it('with a dark navy brand accent: links are lightened to read on the dark card, buttons keep the brand', async () => {
    expect((await t.api('PUT', '/api/branding', { companyName: 'Night Owl Ltd', accent: '#1e3a8a' })).status).toBe(200);
    for (const width of [1280, 390]) {
      const failures: string[] = [];
      const page = await everyPage(width, failures);
      expect(failures).toEqual([]);
      await page.goto(`${t.url}/community`);
      expect(await page.$eval('.hero .btn.primary', (b) => getComputedStyle(b).backgroundColor)).toBe('rgb(30, 58, 138)');
      if (width < 500) {
        await page.goto(t.url + questionPath);
        fs.mkdirSync(shots, { recursive: true });
        await page.screenshot({ path: path.join(shots, 'community-dark-phone.png') });
      }
      await page.context().close();
    }
  });
});
