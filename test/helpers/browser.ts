import { chromium, type Browser, type Page } from 'playwright-core';

// Debian's Chromium (a downloaded browser cannot install here), quiet: no background
// networking, updates or sync that would race the page under test.
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

// WCAG relative-luminance contrast of an element's text against the first opaque background
// behind it (the element's own, else its nearest ancestor's, else white).
export function contrastOf(page: Page, selector: string): Promise<number> {
  return page.$eval(selector, (el) => {
    const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
    const lum = ([r, g, b]: number[]) => {
      const f = (v: number) => { const s = v / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    let bg: number[] | null = null;
    for (let n: Element | null = el; n && !bg; n = n.parentElement) {
      const c = rgb(getComputedStyle(n).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) bg = c.slice(0, 3);
    }
    const fg = lum(rgb(getComputedStyle(el).color).slice(0, 3));
    const b = lum(bg ?? [255, 255, 255]);
    return (Math.max(fg, b) + 0.05) / (Math.min(fg, b) + 0.05);
  });
}

// The relative luminance of the page's own background (0 black … 1 white).
export function backgroundLuminance(page: Page): Promise<number> {
  return page.evaluate(() => {
    const [r, g, b] = (getComputedStyle(document.body).backgroundColor.match(/[\d.]+/g) ?? []).map(Number);
    const f = (v: number) => { const s = v / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  });
}

// A fresh page sized as a desk (≥ 500 px) or a phone (touch, mobile viewport), in the given
// colour scheme; an uncaught page error fails the test.
// locale: the browser's language (its Accept-Language and navigator.language).
export async function devicePage(browser: Browser, width: number, scheme: 'light' | 'dark' = 'light', locale?: string): Promise<Page> {
  const phone = width < 500;
  const ctx = await browser.newContext({ viewport: { width, height: phone ? 844 : 820 }, colorScheme: scheme, isMobile: phone, hasTouch: phone, ...(locale ? { locale } : {}) });
  const page = await ctx.newPage();
  page.on('pageerror', (err) => { throw err; });
  return page;
}

// devicePage, signed in through the agent login form and landed on the inbox.
export async function agentSignedIn(browser: Browser, url: string, who: { email: string; password: string }, width: number, scheme: 'light' | 'dark' = 'light', locale?: string): Promise<Page> {
  const page = await devicePage(browser, width, scheme, locale);
  await page.goto(`${url}/login?next=/inbox`);
  await page.fill('input[name=email]', who.email);
  await page.fill('input[name=password]', who.password);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/inbox$/);
  return page;
}
