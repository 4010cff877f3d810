import fs from 'node:fs';
import path from 'node:path';
import { type Browser } from 'playwright-core';
import { launchChromium } from './helpers/browser';
import { createAgent } from '../src/agents/create-agent';
import { agentRepository } from '../src/db/repositories/agent.repository';
import { seedContact, seedFacts, type FactSeed } from './helpers/report-facts';
import { startTestChorus, type TestChorus } from './helpers/test-chorus';

const H = 3_600_000;
const M = 60_000;
const DAY = 24 * H;

// Two months of work on several channels, from a fixed seed, for the page and its screenshot.
function twoMonths(now: number, agents: number[], team: number, members: number[]): FactSeed[] {
  let x = 42;
  const rnd = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const channels = ['email', 'email', 'email', 'webform', 'whatsapp', 'telegram', 'messenger', 'x', 'community'];
  const start = Math.floor(now / DAY) * DAY - 59 * DAY;
  const facts: FactSeed[] = [];
  let ticketId = 1000;
  for (let d = 0; d < 60; d++) {
    const perDay = 6 + Math.floor(rnd() * 8) + (d % 7 < 5 ? 4 : 0);
    for (let i = 0; i < perDay; i++) {
      const created = start + d * DAY + Math.floor(rnd() * 20 * H);
      if (created > now - H) continue;
      const channel = channels[Math.floor(rnd() * channels.length)];
      const agentId = agents[Math.floor(rnd() * agents.length)];
      const base = { ticketId: ++ticketId, channel, inboxId: 1, teamId: rnd() < 0.6 ? team : null, visibility: channel === 'x' || channel === 'community' ? 'public' : 'private' };
      facts.push({ ...base, kind: 'ticket_created', at: created });
      if (channel === 'community' && rnd() < 0.6) {
        facts.push({ ...base, kind: 'community_answer', at: created + 40 * M, contactId: members[Math.floor(rnd() * members.length)], audience: 'public', wallMs: 40 * M, value: 1 });
        if (rnd() < 0.5) facts.push({ ...base, kind: 'answer_accepted', at: created + 3 * H, contactId: members[Math.floor(rnd() * members.length)] });
      }
      const frt = Math.floor((5 + rnd() * (channel === 'email' ? 300 : 90)) * M);
      if (created + frt > now) continue;
      facts.push({ ...base, kind: 'first_response', at: created + frt, agentId, wallMs: frt }, { ...base, kind: 'agent_reply', at: created + frt, agentId, audience: base.visibility === 'public' ? 'public' : 'participants' });
      if (channel === 'x') facts.push({ ...base, kind: 'public_answer_wait', at: created + frt, reach: Math.floor(200 + rnd() * 20000), wallMs: frt });
      if (rnd() < 0.5 && created + frt + 2 * H < now) facts.push({ ...base, kind: 'agent_reply', at: created + frt + 2 * H, agentId, audience: 'participants' });
      if (rnd() < 0.3) facts.push({ ...base, kind: 'note', at: created + frt + 5 * M, agentId, audience: 'staff' });
      const res = frt + Math.floor(rnd() * 30 * H);
      if (rnd() < 0.8 && created + res < now) {
        facts.push({ ...base, kind: 'status_changed', at: created + res, agentId, statusFrom: 'open', statusTo: 'solved', wallMs: res });
        if (rnd() < 0.08 && created + res + 5 * H < now) facts.push({ ...base, kind: 'status_changed', at: created + res + 5 * H, statusFrom: 'solved', statusTo: 'open' });
      }
    }
  }
  return facts;
}

// /reports in Chromium under the strict CSP: the charts render as SVG beside their tables, with
// no script and no CSP violation; the screenshot goes into docs/screenshots.
describe('Reports in a real browser', () => {
  let t: TestChorus;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestChorus();
    const m = t.s.db.m;
    await agentRepository.update(m, t.admin.id, { name: 'Ada Lindqvist' });
    const bo = (await createAgent(t.s.db, Date.now(), { email: 'bo@acme.test', name: 'Bo Berg', password: 'bo-password-1', role: 'agent' })).id;
    const cy = (await createAgent(t.s.db, Date.now(), { email: 'cy@acme.test', name: 'Cyra Okafor', password: 'cy-password-1', role: 'agent' })).id;
    const team = await agentRepository.insertTeam(m, 'Billing', Date.now());
    const members = [await seedContact(m, 'Mira K.'), await seedContact(m, 'Jonas P.'), await seedContact(m, 'Ines R.')];
    await seedFacts(m, twoMonths(Date.now(), [t.admin.id, bo, cy], team, members));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('shows the overview with charts beside their tables, switches view and period without JavaScript', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1360, height: 900 }, javaScriptEnabled: false });
    const page = await ctx.newPage();
    const violations: string[] = [];
    page.on('console', (msg) => {
      if (/Content Security Policy/i.test(msg.text())) violations.push(msg.text());
    });
    await page.goto(`${t.url}/login?next=/reports`);
    await page.fill('input[name=email]', t.admin.email);
    await page.fill('input[name=password]', t.admin.password);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/reports$/);
    await page.waitForSelector('section[data-table=daily] svg circle');
    // The period form is a plain GET form: choosing 30 days works with JavaScript off.
    await page.selectOption('select[name=range]', '30');
    await page.click('.report-filters button[type=submit]');
    await page.waitForURL(/range=30/);
    await page.waitForSelector('section[data-table=daily] tbody tr:nth-child(30)');
    const box = await page.locator('section[data-table=daily] .report-chart').first().boundingBox();
    const table = await page.locator('section[data-table=daily] .report-table').boundingBox();
    // Beside, not below: the table starts to the right of the chart.
    expect(table!.x).toBeGreaterThan(box!.x + box!.width - 1);
    expect(await page.locator('.report-chart svg title').count()).toBeGreaterThan(60);
    fs.mkdirSync(path.resolve(__dirname, '../docs/screenshots'), { recursive: true });
    await page.screenshot({ path: path.resolve(__dirname, '../docs/screenshots/reports.png'), fullPage: true });
    await page.click('.report-tabs >> text=Channels');
    await page.waitForSelector('section[data-table=channels] tbody tr');
    expect(await page.textContent('section[data-table=channels]')).toContain('WhatsApp');
    expect(violations).toEqual([]);
    await ctx.close();
  });

  it('draws the page and its charts in German for a German browser', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1360, height: 900 }, javaScriptEnabled: false, locale: 'de-DE' });
    const page = await ctx.newPage();
    await page.goto(`${t.url}/login?next=/reports/channels`);
    await page.fill('input[name=email]', t.admin.email);
    await page.fill('input[name=password]', t.admin.password);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/reports\/channels$/);
    await page.waitForSelector('section[data-table=channels] svg');
    expect(await page.textContent('h1')).toBe('Berichte');
    expect(await page.getAttribute('section[data-table=channels] svg', 'aria-label')).toBe('Neue Tickets pro Kanal');
    expect(await page.textContent('section[data-table=channels] thead')).toContain('Erste Antwort, Median');
    // Minutes with the German decimal comma, in the table and in the chart's bar titles.
    expect(await page.textContent('section[data-table=channels] tbody')).toMatch(/\d+,\d Min\.|\d+ Std\./);
    await page.screenshot({ path: path.join(process.env.SCREENSHOT_DIR ?? require('node:os').tmpdir(), 'reports-de.png'), fullPage: true });
    await ctx.close();
  });
});
