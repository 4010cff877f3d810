import fs from 'node:fs';
import path from 'node:path';
import { type Browser } from 'playwright-core';
import { launchChromium } from './helpers/browser';
import { createAgent } from '../src/agents/create-agent';
import { Identity, Ticket } from '../src/db/entities';
import { agentRepository } from '../src/db/repositories/agent.repository';
import { seedContact, seedFacts, seedTicket, type FactSeed } from './helpers/report-facts';
import { reconcileCounts } from '../src/tickets/reconcile-counts';
import { apiInbox, postSigned, startTestChorus, type TestChorus } from './helpers/test-chorus';

const M = 60_000;

// A present-day floor for the wall: open work on several channels, customers waiting, deadlines
// inside the hour, public posts read by many, agents in and out.
async function seedFloor(t: TestChorus, agents: number[]) {
  const m = t.s.db.m;
  const now = Date.now();
  const people: [string, number | null][] = [['Mira Kowalski', 48_200], ['Jonas Petersen', 1_900], ['Ines Romero', null], ['Tomás Ruiz', 730], ['Aiko Tanaka', null], ['Lena Vogt', 12_400], ['Sam Okoro', null], ['Priya Nair', 260]];
  const contacts: number[] = [];
  for (const [name, followers] of people) {
    const id = await seedContact(m, name);
    contacts.push(id);
    if (followers !== null) await m.getRepository(Identity).insert({ contactId: id, kind: 'x', value: `x-${id}`, handle: name.split(' ')[0].toLowerCase(), displayName: name, followers, verified: false, createdAt: 0 });
  }
  const tickets: [string, string, number, string, number, number | null, number | null, 'public' | 'private'][] = [
    // subject, channel, requester, status, waiting minutes, due in minutes, assignee index, visibility
    ['Charged twice for March', 'email', 2, 'open', 185, null, 0, 'private'],
    ['Cannot reset my password', 'email', 4, 'new', 42, 18, null, 'private'],
    ['Invoice address wrong', 'email', 6, 'new', 25, 35, null, 'private'],
    ['Export to CSV fails', 'webform', 6, 'open', 95, null, 1, 'private'],
    ['Order 88412 never arrived', 'whatsapp', 3, 'open', 64, -12, 2, 'private'],
    ['Bot stuck in a loop', 'telegram', 4, 'new', 30, 40, null, 'private'],
    ['Your app ate my order', 'x', 0, 'open', 140, -25, null, 'public'],
    ['Is the outage over?', 'x', 5, 'new', 22, 50, null, 'public'],
    ['Dark mode when?', 'mastodon', 7, 'new', 75, null, null, 'public'],
    ['Refund still pending', 'messenger', 1, 'open', 48, 8, 0, 'private'],
    ['Upgrade questions', 'email', 6, 'pending', 0, null, 1, 'private'],
    ['Shipping to Norway', 'email', 2, 'pending', 0, null, 0, 'private'],
  ];
  const facts: FactSeed[] = [];
  for (const [subject, channel, who, status, waitMin, dueMin, assignee, visibility] of tickets) {
    const created = now - (waitMin + 30) * M;
    const id = await seedTicket(m, { subject, channel, createdAt: created, visibility, requesterId: contacts[who] });
    await m.getRepository(Ticket).update({ id }, { status: status as Ticket['status'], assigneeId: assignee === null ? null : agents[assignee], slaDueAt: dueMin === null ? null : now + dueMin * M, awaitingAgentSince: status === 'pending' ? null : now - waitMin * M });
    const base = { ticketId: id, channel, visibility, inboxId: 1 };
    facts.push({ ...base, kind: 'ticket_created', at: created, contactId: contacts[who] });
    if (status === 'pending' || waitMin > 60) facts.push({ ...base, kind: 'agent_reply', at: created + 10 * M, agentId: agents[assignee ?? 0], audience: visibility === 'public' ? 'public' : 'participants' });
    if (waitMin > 0 && waitMin > 60) facts.push({ ...base, kind: 'customer_reply', at: now - waitMin * M, contactId: contacts[who], audience: visibility === 'public' ? 'public' : 'participants', reach: people[who][1] });
  }
  await seedFacts(m, facts);
  // The tickets were written straight to the table: the reconciliation brings the kept counts to them.
  await reconcileCounts(t.s);
}

// The command centre in Chromium under the strict CSP: drawn without JavaScript, then live —
// a ticket arriving moves the board with no reload. The screenshot goes into docs/screenshots.
describe('Command centre in a real browser', () => {
  let t: TestChorus;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestChorus();
    const m = t.s.db.m;
    await agentRepository.update(m, t.admin.id, { name: 'Ada Lindqvist' });
    const bo = (await createAgent(t.s.db, Date.now(), { email: 'bo@acme.test', name: 'Bo Berg', password: 'bo-password-1', role: 'agent' })).id;
    const cy = (await createAgent(t.s.db, Date.now(), { email: 'cy@acme.test', name: 'Cyra Okafor', password: 'cy-password-1', role: 'agent' })).id;
    const di = (await createAgent(t.s.db, Date.now(), { email: 'di@acme.test', name: 'Dimitri Hale', password: 'di-password-1', role: 'agent' })).id;
    await agentRepository.update(m, di, { away: true });
    await seedFloor(t, [t.admin.id, bo, cy]);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  const signIn = async (javaScriptEnabled: boolean) => {
    const ctx = await browser.newContext({ viewport: { width: 1600, height: 1000 }, javaScriptEnabled });
    const page = await ctx.newPage();
    const violations: string[] = [];
    page.on('console', (msg) => {
      if (/Content Security Policy/i.test(msg.text())) violations.push(msg.text());
    });
    await page.goto(`${t.url}/login?next=/reports/live`);
    await page.fill('input[name=email]', t.admin.email);
    await page.fill('input[name=password]', t.admin.password);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/reports\/live$/);
    return { ctx, page, violations };
  };
  const openTile = '[data-figure=open] .live-tile-value';

  it('shows the board without JavaScript: big numbers, bars beside their tables', async () => {
    const { ctx, page, violations } = await signIn(false);
    expect(await page.textContent(openTile)).toBe('12');
    expect(await page.locator('.live-block svg').count()).toBe(5);
    const chart = await page.locator('[data-block=waiting] .live-chart').boundingBox();
    const table = await page.locator('[data-block=waiting] .report-table').boundingBox();
    expect(table!.x).toBeGreaterThan(chart!.x + chart!.width - 1);
    expect(await page.textContent('[data-block=public]')).toContain('Mira Kowalski');
    expect(violations).toEqual([]);
    await ctx.close();
  });

  it('goes live over the socket and moves when a ticket arrives', async () => {
    const { ctx, page, violations } = await signIn(true);
    await page.waitForSelector('main.live[data-live=on]');
    expect(await page.textContent(openTile)).toBe('12');
    const inbox = await apiInbox(t);
    await postSigned(t, inbox, { externalId: 'wall-1', author: { id: 'w1', email: 'noor@example.com', name: 'Noor Haddad' }, subject: 'App crashes on start', text: 'Since the update it closes at once.' });
    // The board follows with no reload: the open count and the API channel's row.
    await page.waitForFunction((sel) => document.querySelector(sel)?.textContent === '13', openTile);
    expect(await page.textContent('[data-block=open] table')).toContain('API');
    expect(page.url()).toMatch(/\/reports\/live$/);
    expect(violations).toEqual([]);
    fs.mkdirSync(path.resolve(__dirname, '../docs/screenshots'), { recursive: true });
    await page.screenshot({ path: path.resolve(__dirname, '../docs/screenshots/reports-live.png'), fullPage: true });
    await ctx.close();
  });
});
