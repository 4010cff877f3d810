import { createInbox } from '../src/inboxes/create-inbox';
import { type Browser } from 'playwright-core';
import { launchChromium } from './helpers/browser';
import { DB_KINDS, startTestChorus, type TestChorus } from './helpers/test-chorus';
import { WebClient, lastMagicLink, signInByLink } from './helpers/web-client';

// Asking with suggestions: while a question is typed, solved public questions with the same
// words are offered — never an unsolved, private or merged one, whatever notes they carry.
describe.each(DB_KINDS)('community suggestions (%s)', (db) => {
  let t: TestChorus;
  let solvedId = 0;
  let browser: Browser | undefined;
  const ids: Record<string, number> = {};
  const suggest = async (q: string) => {
    const res = await fetch(`${t.url}/api/community/suggestions?q=${encodeURIComponent(q)}`);
    return { status: res.status, body: (await res.json()) as any };
  };
  const ask = async (c: WebClient, title: string, extra: Record<string, string> = {}) => {
    const r = await c.form('/community/ask', { title, body: `Details about: ${title}`, ...extra });
    expect(r.status).toBe(303);
    return Number(/(\d+)/.exec(r.location!)![1]);
  };

  beforeAll(async () => {
    t = await startTestChorus({ db });
    const ann = await signInByLink(t, 'ann@example.com');
    solvedId = await ask(ann, 'How do I export invoices to a spreadsheet?');
    await t.api('POST', `/api/tickets/${solvedId}/replies`, { text: 'Billing → Invoices → Export.', audience: 'public' });
    expect((await t.api('PATCH', `/api/tickets/${solvedId}`, { status: 'solved' })).status).toBe(200);
    ids.open = await ask(ann, 'Invoices export stops half way');
    await t.api('POST', `/api/tickets/${ids.open}/notes`, { text: 'spreadsheet invoices internal workaround' });
    ids.private = await ask(ann, 'Export of my private invoices spreadsheet', { private: '1' });
    expect((await t.api('PATCH', `/api/tickets/${ids.private}`, { status: 'solved' })).status).toBe(200);
    await createInbox(t.s.db, Date.now(), { name: 'Form', channel: 'webform', settings: { slug: 'sugg', title: 'Help', askSubject: true } });
    ids.other = await ask(ann, 'Change the colour of the widget');
    expect((await t.api('PATCH', `/api/tickets/${ids.other}`, { status: 'solved' })).status).toBe(200);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('offers solved public questions sharing words with the typed one, best first, and nothing else', async () => {
    const r = await suggest('Can I export my invoices?');
    expect(r.status).toBe(200);
    expect(r.body.suggestions.map((s: any) => s.id)).toEqual([solvedId]);
    expect(r.body.suggestions[0]).toMatchObject({ title: 'How do I export invoices to a spreadsheet?', href: `/community/${solvedId}-how-do-i-export-invoices-to-a-spreadsheet`, accepted: false });
    // Prefixes match as the words are being typed; short words alone match nothing.
    expect((await suggest('spreadsh')).body.suggestions.map((s: any) => s.id)).toEqual([solvedId]);
    expect((await suggest('how do I')).body.suggestions).toEqual([]);
    // The unsolved question's staff note and the private question's title never surface.
    expect((await suggest('internal workaround')).body.suggestions).toEqual([]);
    expect(JSON.stringify((await suggest('private invoices export spreadsheet')).body)).not.toMatch(new RegExp(`"id":(${ids.private}|${ids.open})\\b`));
    expect((await suggest('widget colour')).body.suggestions.map((s: any) => s.id)).toEqual([ids.other]);
  });

  it('refuses a query that is too long, naming it', async () => {
    const r = await suggest('x'.repeat(251));
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).toMatch(/q/);
  });

  (db === 'sqlite' ? it : it.skip).each([1280, 390])('at %i px the ask form shows the suggestions while the question is typed', async (width) => {
    browser ??= await launchChromium();
    const ctx = await browser.newContext({ viewport: { width, height: 844 }, isMobile: width < 500 });
    const page = await ctx.newPage();
    await page.goto(`${t.url}/signin`);
    await page.fill('input[name=email]', `bo${width}@example.com`);
    await page.click('button[type=submit]');
    await page.waitForSelector('text=Check your e-mail');
    await page.goto(await lastMagicLink(t, `bo${width}@example.com`));
    await page.click('button[type=submit]');
    await page.waitForURL(/\/my$/);
    await page.goto(`${t.url}/community/ask`);
    expect(await page.isVisible('[data-suggestions]')).toBe(false);
    await page.type('input[name=title]', 'Where can I export invoices', { delay: 5 });
    await page.waitForSelector('[data-suggestions] a', { state: 'visible' });
    expect(await page.$$eval('[data-suggestions] a', (as) => as.map((a) => a.getAttribute('href')))).toEqual([`/community/${solvedId}-how-do-i-export-invoices-to-a-spreadsheet`]);
    const [sw, iw] = await page.evaluate(() => [document.scrollingElement!.scrollWidth, window.innerWidth]);
    expect(sw).toBeLessThanOrEqual(iw);
    await page.fill('input[name=title]', 'zzzz qqqq');
    await page.waitForSelector('[data-suggestions]', { state: 'hidden' });
    await ctx.close();
  });

  (db === 'sqlite' ? it : it.skip).each([1280, 390])('at %i px the web form offers the same suggestions while the subject is typed (not when embedded)', async (width) => {
    browser ??= await launchChromium();
    const ctx = await browser.newContext({ viewport: { width, height: 844 }, isMobile: width < 500, locale: 'de-DE' });
    const page = await ctx.newPage();
    await page.goto(`${t.url}/forms/sugg`);
    expect(await page.isVisible('[data-suggestions]')).toBe(false);
    await page.type('input[name=subject]', 'Where can I export invoices', { delay: 5 });
    await page.waitForSelector('[data-suggestions] a', { state: 'visible' });
    expect(await page.$$eval('[data-suggestions] a', (as) => as.map((a) => a.getAttribute('href')))).toEqual([`/community/${solvedId}-how-do-i-export-invoices-to-a-spreadsheet`]);
    expect(await page.textContent('[data-suggestions] h2')).toBe('Diese gelösten Fragen beantworten Ihre vielleicht');
    const [sw, iw] = await page.evaluate(() => [document.scrollingElement!.scrollWidth, window.innerWidth]);
    expect(sw).toBeLessThanOrEqual(iw);
    await page.goto(`${t.url}/forms/sugg?embed=1`);
    expect(await page.$('[data-suggestions]')).toBeNull();
    await ctx.close();
  });
});
