import { chromium, type Browser } from 'playwright-core';

// Debian's Chromium (a downloaded browser cannot install here), quiet: no background
// networking, updates or sync that would race the page under test.
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
