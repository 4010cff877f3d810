import { type Browser, type Page } from 'playwright-core';
import { agentSignedIn, launchChromium } from './helpers/browser';
import { startTestChorus, type TestChorus } from './helpers/test-chorus';

// A first-time admin in a real browser, at 1280 and 390 px: the empty inbox shows its
// getting-started steps on screen, and the create form shows the chosen channel's fields only.
describe('onboarding in the browser', () => {
  let t: TestChorus;
  let browser: Browser;
  beforeAll(async () => {
    t = await startTestChorus();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  const signedIn = (width: number): Promise<Page> => agentSignedIn(browser, t.url, t.admin, width);
  const fits = (page: Page) => page.evaluate(() => document.scrollingElement!.scrollWidth <= window.innerWidth);

  for (const width of [1280, 390]) {
    it(`at ${width} px: the getting-started steps and the channel fields`, async () => {
      // Signed out, "/" is a sign-in page that fits the screen.
      const visitor = await browser.newPage({ viewport: { width, height: 820 } });
      await visitor.goto(`${t.url}/`);
      await visitor.waitForSelector('[data-customer-signin]', { state: 'visible' });
      await visitor.waitForSelector('[data-staff-signin]', { state: 'visible' });
      expect(await fits(visitor)).toBe(true);
      await visitor.close();
      const page = await signedIn(width);
      const card = page.locator('[data-getting-started]');
      await card.waitFor({ state: 'visible' });
      for (const step of ['Create an inbox', 'Send a test mail', 'Embed the contact form']) await card.getByText(step).first().waitFor({ state: 'visible' });
      expect(await fits(page)).toBe(true);
      await card.locator('[data-step=inbox] a[href="/admin/inboxes"]').click();
      await page.waitForURL(/\/admin\/inboxes$/);
      // E-mail is chosen first: its fields show, Telegram's do not; choosing Telegram swaps them.
      await page.waitForSelector('[name="set.email.imap.host"]', { state: 'visible' });
      expect(await page.isVisible('[name="set.telegram.botToken"]')).toBe(false);
      await page.selectOption('[data-channel-select]', 'telegram');
      await page.waitForSelector('[name="set.telegram.botToken"]', { state: 'visible' });
      expect(await page.isVisible('[name="set.email.imap.host"]')).toBe(false);
      expect(await page.isVisible('details.advanced textarea')).toBe(false);
      expect(await fits(page)).toBe(true);
      await page.context().close();
    });
  }
});
