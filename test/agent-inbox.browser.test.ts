import fs from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { launchChromium } from './helpers/browser';
import { createAgent } from '../src/agents/create-agent';
import { seedDemo } from './helpers/seed-demo';
import { startTestChorus, type TestChorus } from './helpers/test-chorus';
import { lastMagicLink } from './helpers/web-client';

// Two agents in two browser contexts against a real server: presence, typing, live tickets,
// the stale-reply guard, and a customer who never sees a staff note.
describe('Agent inbox in a real browser', () => {
  let t: TestChorus;
  let browser: Browser;
  let demo: Awaited<ReturnType<typeof seedDemo>>;
  const shots = path.resolve(__dirname, '../docs/screenshots');
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    t = await startTestChorus();
    await createAgent(t.s.db, Date.now(), { email: 'bo@acme.test', name: 'Bo Berg', password: 'bo-password-1', role: 'agent' });
    demo = await seedDemo(t);
    browser = await launchChromium();
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await t?.stop();
  });

  async function agent(email: string, password: string): Promise<Page> {
    const ctx = await browser.newContext({ viewport: { width: 1360, height: 820 } });
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.on('pageerror', (err) => { throw err; });
    await page.goto(`${t.url}/inbox`);
    await page.waitForURL(/\/login\?next=/);
    await page.fill('input[name=email]', email);
    await page.fill('input[name=password]', password);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/inbox$/);
    return page;
  }

  let ada: Page;
  let bo: Page;

  it('both agents see a new ticket arrive live, with counts; keyboard triage assigns it', async () => {
    ada = await agent(t.admin.email, t.admin.password);
    bo = await agent('bo@acme.test', 'bo-password-1');
    await ada.waitForSelector('text=Invoice shows our old VAT number');
    const before = Number(await ada.textContent('[data-count=unassigned]'));
    // Give both sockets a moment to connect before the ticket arrives.
    await Promise.all([ada.waitForFunction(() => (window as any).chorus?.socket?.connected), bo.waitForFunction(() => (window as any).chorus?.socket?.connected)]);
    await demo.mail('nora@example.net', 'Nora Lind', 'Password reset e-mail never arrives', 'I tried three times, nothing in spam either.', 'live-1');
    await ada.waitForSelector('.row >> text=Password reset e-mail never arrives');
    await bo.waitForSelector('.row >> text=Password reset e-mail never arrives');
    await ada.waitForFunction((n) => Number(document.querySelector('[data-count=unassigned]')!.textContent) === n + 1, before);

    // j focuses the newest row, a assigns it to me: it leaves "Unassigned" on both screens.
    const row = `.row:has-text("Password reset e-mail never arrives")`;
    await ada.keyboard.press('j');
    await ada.waitForSelector(`${row}.focus`);
    await ada.keyboard.press('a');
    await ada.waitForSelector('.toast >> text=to you');
    await ada.waitForSelector(row, { state: 'detached' });
    await bo.waitForSelector(row, { state: 'detached' });
    await ada.waitForFunction((n) => Number(document.querySelector('[data-count=mine]')!.textContent) === n, 1);

    // The screenshot: every open ticket, a few already with an owner.
    await t.api('PATCH', `/api/tickets/${demo.tickets.sso}`, { assigneeId: t.admin.id, priority: 'urgent' });
    await t.api('PATCH', `/api/tickets/${demo.tickets.refund}`, { priority: 'high', teamId: 1 });
    await t.api('PATCH', `/api/tickets/${demo.tickets.vat}`, { teamId: 1 });
    await t.api('POST', `/api/tickets/${demo.tickets.refund}/tags`, { tag: 'billing' });
    await t.api('POST', `/api/tickets/${demo.tickets.vat}/tags`, { tag: 'billing' });
    await t.api('POST', `/api/tickets/${demo.tickets.csv}/tags`, { tag: 'bug' });
    await t.api('POST', `/api/tickets/${demo.tickets.dark}/tags`, { tag: 'feature-request' });
    await ada.goto(`${t.url}/inbox?view=open`);
    await ada.waitForSelector(row);
    fs.mkdirSync(shots, { recursive: true });
    await ada.keyboard.press('j');
    await ada.keyboard.press('j');
    await ada.keyboard.press('x');
  });

  it('on one ticket, each sees the other and whether they type a reply or a note', async () => {
    const id = demo.tickets.csv;
    // Ada's inbox shows that Bo is on the ticket, the moment he opens it.
    await bo.goto(`${t.url}/tickets/${id}`);
    await ada.waitForSelector(`.row[data-id="${id}"] [data-viewer="Bo Berg"]`);
    await ada.screenshot({ path: path.join(shots, 'inbox.png') });
    await ada.goto(`${t.url}/tickets/${id}`);
    // Both pages have joined the ticket's live room (the server acknowledged).
    await ada.waitForSelector('[data-ticket-page][data-joined]');
    await bo.waitForSelector('[data-ticket-page][data-joined]');
    await ada.waitForSelector('[data-presence] >> text=Bo Berg');
    await bo.waitForSelector('[data-presence] >> text=Ada Admin');
    await bo.click('label:has(input[name=target][value=note])');
    await bo.fill('[data-composer-text]', 'I think this is the BOM bug from last week');
    await bo.type('[data-composer-text]', '.');
    await ada.waitForSelector('[data-presence] >> text=Bo Berg is writing a staff note…');
  });

  it('the stale-reply guard shows what arrived and asks to confirm', async () => {
    const id = demo.tickets.csv;
    // The customer writes again after Ada opened the page.
    await demo.post({ externalId: 'tw-2', threadKey: 'tw-1', author: { id: 'priya', name: 'Priya Raman', handle: 'priyabuilds', followers: 48200 }, text: 'Update: it only happens when opening the file in Excel.', audience: 'public' });
    await ada.fill('[data-composer-text]', 'We will ship a fix with UTF-8 BOM on Monday.');
    await ada.click('[data-send]');
    await ada.waitForSelector('[data-stale] >> text=it only happens when opening the file in Excel');
    expect(await ada.textContent('[data-send]')).toBe('Send anyway');
    expect(await ada.inputValue('[data-composer-text]')).toBe('We will ship a fix with UTF-8 BOM on Monday.');
    await ada.click('[data-send]');
    await ada.waitForSelector('.msg >> text=We will ship a fix with UTF-8 BOM on Monday.');
    await bo.waitForSelector('.msg >> text=We will ship a fix with UTF-8 BOM on Monday.');
    expect(await ada.inputValue('[data-composer-text]')).toBe('');

    // Bo files his note; Ada sees it live, then Bo starts another one while Ada drafts a reply.
    await bo.click('[data-send]');
    await ada.waitForSelector('.msg.aud-staff-msg >> text=BOM bug from last week');
    await bo.type('[data-composer-text]', 'Linking the Excel import docs in the reply would help');
    await ada.waitForSelector('[data-presence] >> text=Bo Berg is writing a staff note…');
    await ada.fill('[data-composer-text]', '');
    await ada.selectOption('[data-canned]', { label: 'Known bug — fix on the way' });
    await ada.waitForFunction(() => (document.querySelector('[data-composer-text]') as HTMLTextAreaElement).value.startsWith('Hi Priya, thanks for reporting this!'));
    await ada.type('[data-composer-text]', ' Workaround until then: open the CSV via Data → From Text/CSV and pick UTF-8.');
    await ada.screenshot({ path: path.join(shots, 'ticket.png') });
  });

  it('a staff note never shows on the customer page, before or after reload', async () => {
    const id = demo.tickets.vat;
    const ctx = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    contexts.push(ctx);
    const customer = await ctx.newPage();
    await customer.goto(`${t.url}/signin`);
    await customer.fill('input[name=email]', 'lena@northwind.example');
    await customer.click('button[type=submit]');
    await customer.waitForSelector('text=Check your e-mail');
    await customer.goto(await lastMagicLink(t, 'lena@northwind.example'));
    await customer.click('text=Continue and sign in');
    await customer.waitForURL(/\/my$/);
    await customer.goto(`${t.url}/t/${id}`);
    await customer.waitForSelector('text=March invoice');
    await customer.waitForSelector('[data-ticket-id][data-joined]');

    await bo.goto(`${t.url}/tickets/${id}`);
    await bo.click('label:has(input[name=target][value=note])');
    await bo.fill('[data-composer-text]', 'INTERNAL: finance says the old VAT id is hard-coded');
    await bo.click('[data-send]');
    await bo.waitForSelector('.msg.aud-staff-msg >> text=finance says the old VAT id');
    await bo.click('label:has(input[name=target][value=participants])');
    await bo.fill('[data-composer-text]', 'Hi Lena, a corrected invoice is on its way.');
    await bo.click('[data-send]');
    // The reply arrives live on the customer page; the note, sent first, never does.
    await customer.waitForSelector('text=a corrected invoice is on its way');
    expect(await customer.content()).not.toContain('finance says');
    await customer.reload();
    await customer.waitForSelector('text=a corrected invoice is on its way');
    expect(await customer.content()).not.toContain('finance says');
    const json = await customer.evaluate(async (n) => (await fetch(`/api/tickets/${n}`)).text(), id);
    expect(json).toContain('corrected invoice');
    expect(json).not.toContain('finance says');
    const inbox = await customer.goto(`${t.url}/tickets/${id}`);
    expect(inbox!.status()).toBe(403);
  });
});
