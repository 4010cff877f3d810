import fs from 'node:fs';
import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { ticketRepository } from '../src/db/repositories/ticket.repository';
import { agentSignedIn, contrastOf, launchChromium } from './helpers/browser';
import { AGENT_PAGES } from './helpers/agent-pages';
import { seedDemo } from './helpers/seed-demo';
import { startTestChorus, type TestChorus } from './helpers/test-chorus';

// The agent app on a desk and on a phone, light and dark: no page scrolls sideways, the key
// element of each is on screen, text keeps WCAG AA contrast, and "?" lists the shortcuts.
describe('Agent app at 1280 and 390 px, light and dark', () => {
  let t: TestChorus;
  let browser: Browser;
  let demo: Awaited<ReturnType<typeof seedDemo>>;
  let requesterId: number;
  const shots = path.resolve(__dirname, '../docs/screenshots');

  beforeAll(async () => {
    t = await startTestChorus();
    demo = await seedDemo(t);
    requesterId = (await ticketRepository.findById(t.s.db.m, demo.tickets.csv))!.requesterId;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  const signedIn = (width: number, scheme: 'light' | 'dark'): Promise<Page> => agentSignedIn(browser, t.url, t.admin, width, scheme);

  for (const width of [1280, 390]) {
    for (const scheme of ['light', 'dark'] as const) {
      it(`at ${width} px in ${scheme}: every agent page fits the screen and shows its key element`, async () => {
        const page = await signedIn(width, scheme);
        const wide: string[] = [];
        for (const p of AGENT_PAGES) {
          const url = p.path.replace(':ticket', String(demo.tickets.csv)).replace(':inbox', String(demo.email.id)).replace(':contact', String(requesterId));
          await page.goto(`${t.url}${url}`);
          await page.waitForSelector(p.visible, { state: 'visible' });
          const [sw, iw] = await page.evaluate(() => [document.scrollingElement!.scrollWidth, window.innerWidth]);
          if (sw > iw) wide.push(`${url}: ${sw} > ${iw}`);
          for (const sel of p.contrast ?? []) expect({ url, sel, ok: (await contrastOf(page, sel)) >= 4.5 }).toEqual({ url, sel, ok: true });
        }
        expect(wide).toEqual([]);

        // The inbox row keeps its subject and snippet; the search box is usable.
        await page.goto(`${t.url}/inbox?view=open`);
        await page.waitForSelector('.row .snippet', { state: 'visible' });
        expect((await page.locator('.topsearch input').boundingBox())!.width).toBeGreaterThan(width < 500 ? 200 : 300);
        const dark = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
        expect(dark === 'rgb(15, 19, 32)').toBe(scheme === 'dark');
        for (const sel of ['.list-head h1', '.row .subject', '.row .who .name', '.row .snippet', '.row .age', '.views a.view span']) {
          expect({ sel, ok: (await contrastOf(page, sel)) >= 4.5 }).toEqual({ sel, ok: true });
        }
        if (width < 500) {
          // The menu button opens the folded links.
          expect(await page.isVisible('.topnav a[href="/reports"]')).toBe(false);
          await page.click('[data-menu-toggle]');
          await page.waitForSelector('.topnav a[href="/reports"]', { state: 'visible' });
          if (scheme === 'light') await page.screenshot({ path: path.join(shots, 'inbox-phone.png') });
        }

        await page.goto(`${t.url}/tickets/${demo.tickets.csv}`);
        await page.waitForSelector('.msg .body', { state: 'visible' });
        for (const sel of ['.ticket-head h1', '.msg .author', '.msg .body p', '.reach-note', '.crumbs']) {
          expect({ sel, ok: (await contrastOf(page, sel)) >= 4.5 }).toEqual({ sel, ok: true });
        }
        if (width < 500) {
          // Thread first; the sidebar folds behind its button.
          expect(await page.isVisible('#ticket-sidebar')).toBe(false);
          await page.click('[data-sidebar-toggle]');
          await page.waitForSelector('#ticket-sidebar', { state: 'visible' });
          await page.click('[data-sidebar-toggle]');
          fs.mkdirSync(shots, { recursive: true });
          await page.screenshot({ path: path.join(shots, scheme === 'dark' ? 'ticket-phone-dark.png' : 'ticket-phone.png') });
        } else if (scheme === 'dark') {
          await page.goto(`${t.url}/inbox?view=open`);
          await page.waitForSelector('.row .subject');
          await page.screenshot({ path: path.join(shots, 'inbox-dark.png') });
        }
        await page.context().close();
      });
    }
  }

  // German words run longer: a German agent's inbox and ticket page still fit a phone, and the
  // scripts' words (the bulk bar's count, the shortcut list, the composer hint) are German too.
  for (const scheme of ['light', 'dark'] as const) {
    it(`a German agent at 390 px in ${scheme}: inbox and ticket page in German, no sideways scroll`, async () => {
      const page = await agentSignedIn(browser, t.url, t.admin, 390, scheme, 'de-DE');
      const fits = async (url: string) => {
        const [sw, iw] = await page.evaluate(() => [document.scrollingElement!.scrollWidth, window.innerWidth]);
        expect({ url, sw, fits: sw <= iw }).toEqual({ url, sw, fits: true });
      };
      await page.goto(`${t.url}/inbox?view=open`);
      await page.waitForSelector('.row .snippet', { state: 'visible' });
      expect(await page.getAttribute('html', 'lang')).toBe('de');
      expect(await page.textContent('.list-head h1')).toBe('Alle offenen');
      await fits('/inbox?view=open');
      await page.locator('.row input[type=checkbox]').first().check();
      await page.waitForFunction(() => document.querySelector('[data-selected]')!.textContent === '1 ausgewählt');
      await page.click('[data-menu-toggle]');
      await page.waitForSelector('.topnav a[href="/inbox"]', { state: 'visible' });
      expect(await page.textContent('.topnav a[href="/inbox"]')).toBe('Posteingang');
      await fits('/inbox (menu open)');

      await page.goto(`${t.url}/tickets/${demo.tickets.csv}`);
      await page.waitForSelector('.msg .body', { state: 'visible' });
      expect(await page.textContent('[data-sidebar-toggle]')).toContain('Eigenschaften');
      expect(await page.textContent('[data-send]')).toBe('Senden');
      await fits(`/tickets/${demo.tickets.csv}`);
      await page.click('[data-sidebar-toggle]');
      await page.waitForSelector('#ticket-sidebar', { state: 'visible' });
      await fits(`/tickets/${demo.tickets.csv} (sidebar open)`);
      await page.click('[data-sidebar-toggle]');
      // The composer's three targets stay on screen side by side in German too.
      const tabs = await page.$$eval('.composer .targets label', (ls) => ls.map((l) => l.getBoundingClientRect().right));
      expect({ tabs: tabs.length, fit: Math.max(...tabs) <= 390 }).toEqual({ tabs: 3, fit: true });
      await page.check('input[name=target][value=note]');
      await page.waitForFunction(() => /nur Agenten/.test(document.querySelector('[data-reach-note]')!.textContent ?? ''));
      await page.click('h1');
      await page.keyboard.press('?');
      await page.locator('[data-shortcut-help]').getByText('Dem Kunden antworten').waitFor();
      await page.context().close();
    });
  }

  it('keeps the theme an agent picks, on the agent, over the device setting', async () => {
    const page = await signedIn(1280, 'light');
    await page.click('.theme-switch button[value=dark]');
    await page.waitForSelector('html[data-theme-saved=dark]');
    await page.reload();
    expect(await page.getAttribute('html', 'data-theme')).toBe('dark');
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(15, 19, 32)');
    await page.click('.theme-switch button[value=system]');
    await page.waitForSelector('html[data-theme-saved=system]');
    await page.reload();
    expect(await page.getAttribute('html', 'data-theme')).toBeNull();
    await page.context().close();
  });

  it('"?" lists every shortcut; r, n, s and e work on the ticket page, never while typing', async () => {
    const page = await signedIn(1280, 'light');
    await page.goto(`${t.url}/inbox?view=open`);
    await page.waitForSelector('.row .subject');
    await page.keyboard.press('?');
    const help = page.locator('[data-shortcut-help]');
    await help.waitFor({ state: 'visible' });
    for (const text of ['Next ticket in the list', 'Assign the focused ticket to me', 'Search', 'Select or unselect']) await help.getByText(text).first().waitFor();
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'hidden' });

    await page.goto(`${t.url}/tickets/${demo.tickets.csv}`);
    await page.waitForSelector('[data-composer-text]');
    await page.keyboard.press('?');
    for (const text of ['Reply to the customer', 'Write a staff note', 'Change the status', 'Solve this ticket and open the next one']) await help.getByText(text).waitFor();
    await page.keyboard.press('Escape');
    await page.keyboard.press('n');
    await page.waitForSelector('form.composer.is-note');
    expect(await page.evaluate(() => document.activeElement?.hasAttribute('data-composer-text'))).toBe(true);
    // Typing "r" and "?" into the composer is text, not a shortcut.
    await page.keyboard.type('r?e');
    expect(await page.inputValue('[data-composer-text]')).toBe('r?e');
    expect(await page.isVisible('[data-shortcut-help]')).toBe(false);
    expect(await page.getAttribute('form.composer', 'class')).toContain('is-note');
    // The hint under the tabs follows the note tab, also after a reload.
    expect(await page.textContent('[data-reach-note]')).toContain('only agents see it');
    await page.reload();
    await page.waitForSelector('[data-composer-text]');
    const noteChecked = await page.isChecked('input[name=target][value=note]');
    expect(await page.evaluate(() => document.querySelector('form.composer')!.classList.contains('is-note'))).toBe(noteChecked);
    if (noteChecked) expect(await page.textContent('[data-reach-note]')).toContain('only agents see it');
    await page.fill('[data-composer-text]', '');
    await page.click('h1');
    await page.keyboard.press('r');
    await page.waitForSelector('form.composer:not(.is-note)');
    expect(await page.textContent('[data-reach-note]')).not.toContain('only agents see it');
    await page.click('h1');
    await page.keyboard.press('s');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('p-status');
    await page.click('h1');
    await page.keyboard.press('e');
    await page.waitForURL((u) => !u.pathname.endsWith(`/tickets/${demo.tickets.csv}`));
    const r = await t.api('GET', `/api/tickets/${demo.tickets.csv}`);
    expect(r.body.status ?? r.body.ticket?.status).toBe('solved');
    await page.context().close();
  });

  it('channel marks are inline SVG, the favicon is an SVG, the Admin › Inboxes badge is not clipped', async () => {
    const page = await signedIn(1280, 'light');
    await page.goto(`${t.url}/inbox?view=open`);
    await page.waitForSelector('.row .ch svg');
    expect(await page.$$eval('.row .ch', (els) => els.every((e) => e.querySelector('svg path, svg rect, svg circle') && !e.textContent!.trim()))).toBe(true);
    expect(await page.getAttribute('link[rel=icon]', 'href')).toBe('/static/favicon.svg');
    const fav = await page.request.get(`${t.url}/static/favicon.svg`);
    expect(fav.ok()).toBe(true);
    expect(await fav.text()).toMatch(/^<svg/);
    await page.goto(`${t.url}/admin/inboxes`);
    const clipped = await page.$$eval('table.grid .ch-label', (els) => els.filter((e) => e.scrollWidth > e.clientWidth + 1).length);
    expect(clipped).toBe(0);
    await page.context().close();
  });
});
