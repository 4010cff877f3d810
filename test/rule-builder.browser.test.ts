import fs from 'node:fs';
import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { ticketRepository } from '../src/db/repositories/ticket.repository';
import { launchChromium } from './helpers/browser';
import { seedDemo } from './helpers/seed-demo';
import { startTestChorus, type TestChorus } from './helpers/test-chorus';

// An admin builds a rule in the form, previews what it would have done, enables it; a ticket that
// then arrives through the API channel shows the rule's change and names the rule as its cause.
describe('Rule builder in a real browser', () => {
  let t: TestChorus;
  let browser: Browser;
  let demo: Awaited<ReturnType<typeof seedDemo>>;
  let page: Page;
  const shots = path.resolve(__dirname, '../docs/screenshots');

  beforeAll(async () => {
    t = await startTestChorus();
    demo = await seedDemo(t);
    browser = await launchChromium();
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await ctx.newPage();
    page.on('pageerror', (err) => { throw err; });
    await page.goto(`${t.url}/admin/rules`);
    await page.waitForURL(/\/login\?next=/);
    await page.fill('input[name=email]', t.admin.email);
    await page.fill('input[name=password]', t.admin.password);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/admin\/rules$/);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('builds, previews, changes, saves and enables a rule; a new ticket shows its change and its cause', async () => {
    await page.waitForSelector('text=No rules yet.');
    await page.click('a:has-text("New rule")');
    await page.waitForURL(/\/admin\/rules\/new$/);
    await page.fill('input[name=name]', 'Refunds to billing');
    await page.selectOption('select[name=trigger]', 'ticket_created');
    await page.selectOption('select[aria-label="Condition 0"]', 'subject:contains');
    await page.fill('input[aria-label="Condition 0 value"]', 'refund');
    await page.selectOption('select[aria-label="Action 0"]', 'add_tag:');
    await page.fill('input[aria-label="Action 0 text"]', 'billing');
    await page.selectOption('select[aria-label="Action 1"]', { label: 'Set priority normal' });

    // The preview lists the one seeded ticket about a refund and what the rule would do to it.
    await page.click('button:has-text("Preview")');
    await page.waitForSelector('h1:has-text("Dry run: Refunds to billing")');
    expect(await page.textContent('main p.muted')).toMatch(/^A ticket is created, if Subject contains “refund” → add tag billing, set priority normal\./);
    const summary = await page.textContent('.dry-run-summary');
    expect(summary).toMatch(/^1 of \d+ firings would have matched\./);
    const row = page.locator('table.dry-run tbody tr');
    expect(await row.count()).toBe(1);
    expect(await row.locator('a').textContent()).toBe(`#${demo.tickets.refund} Refund for duplicate charge`);
    // Normal is what the ticket already has: the preview says so (muted, no change).
    expect(await row.locator('li').allTextContents()).toEqual(['add tag billing', expect.stringMatching(/priority.*normal/)]);
    expect(await row.locator('li.muted').count()).toBe(1);

    // Back to the form with everything as typed; pick "high" instead and preview again.
    await page.click('button:has-text("Change it")');
    await page.waitForSelector('h1:has-text("New rule")');
    expect(await page.inputValue('input[name=name]')).toBe('Refunds to billing');
    expect(await page.inputValue('input[aria-label="Condition 0 value"]')).toBe('refund');
    expect(await page.inputValue('input[aria-label="Action 0 text"]')).toBe('billing');
    await page.selectOption('select[aria-label="Action 1"]', 'set_priority:high');
    await page.click('button:has-text("Preview")');
    await page.waitForSelector('h1:has-text("Dry run: Refunds to billing")');
    expect(await page.locator('table.dry-run tbody tr li').allTextContents()).toEqual(['add tag billing', 'set priority high']);
    expect(await page.locator('table.dry-run li.muted').count()).toBe(0);
    fs.mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: path.join(shots, 'rule-builder.png'), fullPage: true });
    // The preview changed nothing.
    const seeded = (await ticketRepository.findById(t.s.db.m, demo.tickets.refund))!;
    expect(seeded.priority).toBe('normal');

    // Saved switched off, then enabled from the list.
    await page.click('button:has-text("Save this rule")');
    await page.waitForURL(/\/admin\/rules#rule-\d+$/);
    const listed = page.locator('table.rules tr:has-text("Refunds to billing")');
    await listed.locator('.badge:has-text("disabled")').waitFor();
    expect(await listed.textContent()).toMatch(/A ticket is created\s*if Subject contains “refund”\s+add tag billing, set priority high/);
    await listed.locator('button:has-text("Enable")').click();
    await page.locator('table.rules tr:has-text("Refunds to billing") .badge.on:has-text("enabled")').waitFor();

    // A customer writes through the signed API channel; the rule runs after the commit.
    const { ticketId } = await demo.post({ externalId: 'refund-2', threadKey: 'refund-2', author: { id: 'oli', name: 'Oli Brandt', handle: 'olib', followers: 300 }, subject: 'Need a refund for my second seat', text: 'I removed a seat last week, could I get a refund for it?', audience: 'private' });
    await t.s.bus.drain();
    await page.goto(`${t.url}/tickets/${ticketId}`);
    await page.waitForSelector('h1:has-text("Need a refund for my second seat")');
    expect(await page.locator('.pill.prio-high').count()).toBeGreaterThan(0);
    await page.locator('.taglist .tag:has-text("billing")').waitFor();
    // The history names the rule, linked to its form.
    const caused = page.locator('ul.history li:has(.cause a:has-text("Refunds to billing"))');
    await caused.first().waitFor();
    const lines = await caused.allTextContents();
    expect(lines.some((l) => /billing/.test(l) && /by rule/.test(l))).toBe(true);
    expect(lines.some((l) => /high/.test(l) && /by rule/.test(l))).toBe(true);
    expect(await caused.first().locator('.cause a').getAttribute('href')).toMatch(/^\/admin\/rules\/\d+$/);

    // A ticket whose subject does not hold is left alone.
    const other = await demo.post({ externalId: 'plain-1', threadKey: 'plain-1', author: { id: 'oli', name: 'Oli Brandt', handle: 'olib', followers: 300 }, subject: 'How do I add a seat?', text: 'Where is the seats page?', audience: 'private' });
    await t.s.bus.drain();
    await page.goto(`${t.url}/tickets/${other.ticketId}`);
    await page.waitForSelector('h1:has-text("How do I add a seat?")');
    expect(await page.locator('.cause').count()).toBe(0);
    expect(await page.locator('.taglist .tag:has-text("billing")').count()).toBe(0);
  });
});
