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
  let formId = 0;
  // The community report's count of questions a suggestion answered, today.
  const answeredCount = async (filter = '') => {
    const r = await t.api('GET', `/api/reports/community${filter ? `${filter}&` : '?'}range=today`);
    return r.body.tables.summary.rows.find((x: any) => x.metric === "Answered by a suggestion before asking").value as number;
  };
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
    formId = (await createInbox(t.s.db, Date.now(), { name: 'Form', channel: 'webform', settings: { slug: 'sugg', title: 'Help', askSubject: true } })).id;
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

  it('asks on a suggested question whether it answered the visitor; a yes is counted once per click, for the form it came from', async () => {
    const path = `/community/${solvedId}-how-do-i-export-invoices-to-a-spreadsheet`;
    const page = await (await fetch(`${t.url}${path}?from=community`)).text();
    expect(page).toContain('Did this answer your question?');
    expect(page).toContain('href="/community/ask"');
    expect(await (await fetch(`${t.url}${path}?from=form:sugg`)).text()).toContain('href="/forms/sugg"');
    // Without a source, or with one that is not a form's shape, no prompt.
    expect(await (await fetch(`${t.url}${path}`)).text()).not.toContain('data-self-service');
    expect(await (await fetch(`${t.url}${path}?from=javascript:alert(1)`)).text()).not.toContain('data-self-service');
    const before = await answeredCount();
    const yes = await fetch(`${t.url}/community/questions/${solvedId}/answered-me`, { method: 'POST', body: new URLSearchParams({ from: 'community' }), redirect: 'manual' });
    expect([yes.status, yes.headers.get('location')]).toEqual([303, `${path}?answered=1`]);
    expect(await (await fetch(`${t.url}${path}?answered=1`)).text()).toContain('Glad it helped.');
    expect(await answeredCount()).toBe(before + 1);
    expect(await answeredCount('?channel=community')).toBe(before + 1);
    expect(await answeredCount('?channel=email')).toBe(0);
    // Team and agent filters cannot apply to a question that never became a ticket: not attributed.
    expect(await answeredCount(`?agent=${t.admin.id}`) as number | null).toBeNull();
    // Only solved public questions count, from a form that exists, with a source named right.
    const post = (id: number, from: string) => fetch(`${t.url}/community/questions/${id}/answered-me`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ from }) });
    expect((await post(ids.open, 'community')).status).toBe(404);
    expect((await post(ids.private, 'community')).status).toBe(404);
    expect((await post(solvedId, 'form:nope')).status).toBe(404);
    const bad = await post(solvedId, 'elsewhere');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toMatch(/from/);
    expect(await answeredCount()).toBe(before + 1);
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
    expect(await page.$$eval('[data-suggestions] a', (as) => as.map((a) => a.getAttribute('href')))).toEqual([`/community/${solvedId}-how-do-i-export-invoices-to-a-spreadsheet?from=community`]);
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
    expect(await page.$$eval('[data-suggestions] a', (as) => as.map((a) => a.getAttribute('href')))).toEqual([`/community/${solvedId}-how-do-i-export-invoices-to-a-spreadsheet?from=form%3Asugg`]);
    expect(await page.textContent('[data-suggestions] h2')).toBe('Diese gelösten Fragen beantworten Ihre vielleicht');
    const [sw, iw] = await page.evaluate(() => [document.scrollingElement!.scrollWidth, window.innerWidth]);
    expect(sw).toBeLessThanOrEqual(iw);
    // The suggestion answered them: said on the question page, in German, and counted.
    const before = await answeredCount('?inbox=' + formId);
    await page.click('[data-suggestions] a');
    await page.click('[data-self-service] button:has-text("Ja, danke")');
    await page.waitForSelector('[data-self-service] >> text=Schön, dass es geholfen hat');
    expect(await answeredCount('?inbox=' + formId)).toBe(before + 1);
    await page.goto(`${t.url}/forms/sugg`);
    await page.goto(`${t.url}/forms/sugg?embed=1`);
    expect(await page.$('[data-suggestions]')).toBeNull();
    await ctx.close();
  });
});
