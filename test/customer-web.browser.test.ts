import fs from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { launchChromium } from './helpers/browser';
import { createInbox } from '../src/inboxes/create-inbox';
import { apiInbox, postSigned, startTestChorus, type TestChorus } from './helpers/test-chorus';
import { lastMagicLink } from './helpers/web-client';

// One Chromium for the whole file; each person gets their own context (cookies, storage).
describe('Customer web and community in a real browser', () => {
  let t: TestChorus;
  let browser: Browser;
  const dialogs: string[] = [];
  const shots = path.resolve(__dirname, '../docs/screenshots');

  beforeAll(async () => {
    t = await startTestChorus();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  async function person(email: string): Promise<{ ctx: BrowserContext; page: Page }> {
    const ctx = await browser.newContext({ viewport: { width: 1180, height: 860 } });
    const page = await ctx.newPage();
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`${t.url}/signin`);
    await page.fill('input[name=email]', email);
    await page.click('button[type=submit]');
    await page.waitForSelector('text=Check your e-mail');
    await page.goto(await lastMagicLink(t, email));
    await page.click('text=Continue and sign in');
    await page.waitForURL(/\/my$/);
    return { ctx, page };
  }

  let questionUrl = '';
  let ticketId = 0;

  it('A asks publicly, B answers, A sees it live and accepts; the ticket is solved for agents', async () => {
    const inbox = await apiInbox(t);
    const seeds = [
      { subject: 'Can I export reports to CSV?', text: 'Looking for a way to get weekly reports into a spreadsheet.' },
      { subject: 'Two-factor codes not arriving by SMS', text: 'Since yesterday no codes arrive on my phone.' },
      { subject: 'Best way to share an inbox with my team?', text: 'We are five people answering the same address.' },
    ];
    for (const [i, q] of seeds.entries()) {
      const r = await postSigned(t, inbox, { externalId: `seed-${i}`, author: { id: `s${i}`, name: ['Priya', 'Marco', 'Jun'][i] }, ...q, audience: 'public' });
      await t.api('POST', `/api/tickets/${r.body.ticketId}/tags`, { tag: ['reports', 'security', 'teams'][i] });
    }
    const a = await person('ann@example.com');
    const b = await person('ben@example.com');
    await a.page.goto(`${t.url}/community/ask`);
    await a.page.fill('input[name=title]', 'How do I move my account to a new e-mail address?');
    await a.page.fill('textarea[name=body]', 'I changed jobs and want my history under my **personal** address.');
    await a.page.fill('input[name=tags]', 'account, email');
    await a.page.click('button:has-text("Post question")');
    await a.page.waitForURL(/\/community\/\d+-how-do-i-move-my-account/);
    questionUrl = a.page.url();
    ticketId = Number(/\/community\/(\d+)-/.exec(questionUrl)![1]);
    await a.page.evaluate(() => ((window as any).__stayed = true));

    await b.page.goto(questionUrl);
    await b.page.fill('textarea[name=text]', 'Open **Settings → Profile**, add the new address, confirm it, then make it primary.');
    await b.page.click('button:has-text("Post reply")');

    const live = a.page.locator('.post', { hasText: 'make it primary' });
    await live.waitFor({ timeout: 10_000 });
    expect(await a.page.evaluate(() => (window as any).__stayed)).toBe(true);
    expect(await live.locator('strong').textContent()).toBe('Settings → Profile');

    await a.page.reload();
    await a.page.locator('.post', { hasText: 'make it primary' }).locator('[data-accept]').click();
    await a.page.waitForSelector('text=Accepted answer');
    const detail = await t.api('GET', `/api/tickets/${ticketId}`);
    expect(detail.body.ticket?.status ?? detail.body.status).toBe('solved');
    await a.ctx.close();
    await t.api('POST', `/api/tickets/${ticketId}/replies`, { text: 'Thanks Ben! Once the new address is primary, your whole history follows it.', audience: 'public' });
    await screenshots();

    // Hostile markup is shown as text and runs nothing.
    const hostile = [
      '<script>window.__pwned = 1; alert("script")</script>',
      '<img src=x onerror="window.__pwned = 2; alert(\'img\')">',
      '[click me](javascript:window.__pwned=3;alert(1))',
      '![pic](javascript:alert(4))',
      '<a href="javascript:alert(5)">raw link</a>',
      '[data](data:text/html;base64,PHNjcmlwdD5hbGVydCg2KTwvc2NyaXB0Pg==)',
      '<svg onload="alert(7)"></svg> <iframe src="javascript:alert(8)"></iframe>',
    ].join('\n\n');
    await b.page.goto(questionUrl);
    await b.page.fill('textarea[name=text]', hostile);
    await b.page.click('button:has-text("Post reply")');
    await b.page.locator('.post', { hasText: 'raw link' }).waitFor();
    await b.page.reload();
    const post = b.page.locator('.post', { hasText: 'raw link' });
    expect(await post.textContent()).toContain('<script>window.__pwned = 1; alert("script")</script>');
    expect(await post.locator('script, img, svg, iframe, [onerror], [onload]').count()).toBe(0);
    expect(await post.locator('a[href^="javascript:" i], a[href^="data:" i]').count()).toBe(0);
    const links = post.locator('a');
    for (let i = 0; i < (await links.count()); i++) expect(await links.nth(i).getAttribute('rel')).toBe('nofollow ugc noopener');
    await post.locator('text=click me').click().catch(() => {});
    await b.page.waitForTimeout(300);
    expect(await b.page.evaluate(() => (window as any).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
    await b.ctx.close();
  });

  it('a web-form submission with a file reaches the agent API', async () => {
    await createInbox(t.s.db, Date.now(), { name: 'Support form', channel: 'webform', settings: { slug: 'support', title: 'Contact support', minFillSeconds: 1 } });
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.goto(`${t.url}/forms/support`);
    await page.fill('input[name=name]', 'Cleo');
    await page.fill('input[name=email]', 'cleo@example.com');
    await page.fill('input[name=subject]', 'Damaged box');
    await page.fill('textarea[name=message]', 'The box arrived crushed, photo attached.');
    await page.setInputFiles('input[name=attachments]', { name: 'box.png', mimeType: 'image/png', buffer: Buffer.from('89504e470d0a1a0a', 'hex') });
    await page.waitForTimeout(1100);
    await page.click('button:has-text("Send")');
    await page.waitForSelector('text=Thanks, we have your message');
    const href = await page.locator('a:has-text("Follow the conversation")').getAttribute('href');
    const id = Number(/\/t\/(\d+)/.exec(href!)![1]);
    const detail = await t.api('GET', `/api/tickets/${id}`);
    expect(detail.body.messages[0].attachments[0]).toMatchObject({ filename: 'box.png', contentType: 'image/png', size: 8 });
    await ctx.close();
  });

  it('a signed-out visitor reads a public thread with JavaScript disabled', async () => {
    const ctx = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1180, height: 860 } });
    const page = await ctx.newPage();
    await page.goto(questionUrl);
    expect(await page.title()).toBe('How do I move my account to a new e-mail address? · Chorus');
    expect(await page.locator('.post', { hasText: 'make it primary' }).count()).toBe(1);
    expect(await page.locator('text=Accepted answer').count()).toBe(1);
    expect(await page.locator('.post.staff').count()).toBe(1);
    await page.goto(`${t.url}/community`);
    expect(await page.locator('.row.q').count()).toBeGreaterThanOrEqual(4);
    await ctx.close();
  });

  async function screenshots() {
    const ctx = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1180, height: 860 } });
    const page = await ctx.newPage();
    fs.mkdirSync(shots, { recursive: true });
    await page.goto(questionUrl);
    await page.screenshot({ path: path.join(shots, 'thread.png'), fullPage: true });
    await page.goto(`${t.url}/community`);
    await page.screenshot({ path: path.join(shots, 'community.png'), fullPage: true });
    await ctx.close();
  }
});
