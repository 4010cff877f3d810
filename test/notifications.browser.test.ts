import { type Browser, type Page } from 'playwright-core';
import { createAgent } from '../src/agents/create-agent';
import { agentSignedIn, launchChromium } from './helpers/browser';
import { seedDemo } from './helpers/seed-demo';
import { connectSocket, nextEvent, startTestChorus, type TestChorus } from './helpers/test-chorus';
import { settled } from './helpers/wait';

// The bell in a real browser, on a desk and on a phone: another agent's @-mention in a note
// raises my unread count while the page stays open (no reload), the panel lists it, and a
// mention of someone else never reaches my bell, live or on opening the panel.
describe('the bell receives mentions live', () => {
  let t: TestChorus;
  let browser: Browser;
  let demo: Awaited<ReturnType<typeof seedDemo>>;
  let run = 0;

  beforeAll(async () => {
    t = await startTestChorus();
    demo = await seedDemo(t);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  const signedIn = (email: string, password: string, width: number): Promise<Page> => agentSignedIn(browser, t.url, { email, password }, width);

  for (const width of [1280, 390]) {
    it(`at ${width} px: a mention arrives without a reload; another agent's never shows`, async () => {
      run++;
      const me = await createAgent(t.s.db, Date.now(), { email: `bell${run}@acme.test`, name: `Bell Owner ${run}`, password: 'bell-password-1', role: 'agent' });
      const other = await createAgent(t.s.db, Date.now(), { email: `else${run}@acme.test`, name: `Someone Else ${run}`, password: 'else-password-1', role: 'agent' });
      const otherSocket = await connectSocket(t, { token: await t.s.sessions.createApiToken(other.id, 'test') });
      const page = await signedIn(me.email, 'bell-password-1', width);
      const count = page.locator('[data-bell] .bell-count');
      expect(await count.getAttribute('data-unread')).toBe('0');
      expect(await count.isVisible()).toBe(false);
      // A marker that survives only as long as the page is not reloaded.
      await page.evaluate(() => { (window as unknown as { keep: number }).keep = 1; });

      // First someone else is mentioned: their own socket hears it, and every broadcast of it
      // has been handed out before mine is written, so it would have reached my page first.
      const theirs = nextEvent(otherSocket, 'notification');
      expect((await t.api('POST', `/api/tickets/${demo.tickets.sso}/notes`, { text: `@else${run} OTHERS${run} please look at the Okta logs` })).status).toBe(201);
      expect((await theirs).item.title).toContain('mentioned you');
      await settled(t.s, otherSocket);

      expect((await t.api('POST', `/api/tickets/${demo.tickets.vat}/notes`, { text: `@bell${run} MINE${run} can you reissue this invoice?` })).status).toBe(201);
      await page.waitForSelector('[data-bell] .bell-count[data-unread="1"]', { state: 'visible' });
      expect(await page.evaluate(() => (window as unknown as { keep?: number }).keep)).toBe(1);
      expect(await page.getAttribute('[data-bell]', 'title')).toBe('1 unread notification');

      await page.click('[data-bell]');
      const panel = page.locator('[data-bell-panel]');
      await panel.waitFor({ state: 'visible' });
      const item = panel.locator('.bell-item.unread', { hasText: `MINE${run}` });
      await item.waitFor({ state: 'visible' });
      expect(await item.textContent()).toContain(`Ada Admin mentioned you on #${demo.tickets.vat}`);
      // The panel fits the phone screen.
      const box = (await panel.boundingBox())!;
      expect(box.x >= 0 && box.x + box.width <= width).toBe(true);
      expect(await panel.textContent()).not.toContain(`OTHERS${run}`);
      expect(await panel.locator('.bell-item').count()).toBe(1);

      // Marking all read clears the count on the page and in the store.
      await page.click('[data-bell-read-all]');
      await page.waitForSelector('[data-bell] .bell-count[data-unread="0"]', { state: 'hidden' });
      const token = await t.s.sessions.createApiToken(me.id, 'test');
      const mine = await t.api('GET', '/api/notifications', undefined, token);
      expect(mine.body.unread).toBe(0);
      expect(mine.body.items.map((n: { excerpt: string }) => n.excerpt)).toEqual([expect.stringContaining(`MINE${run}`)]);
      // Their item is still theirs, unread.
      const their = await t.api('GET', '/api/notifications', undefined, await t.s.sessions.createApiToken(other.id, 'test'));
      expect(their.body).toMatchObject({ unread: 1, items: [expect.objectContaining({ excerpt: expect.stringContaining(`OTHERS${run}`) })] });
      otherSocket.close();
      await page.context().close();
    });
  }
});
