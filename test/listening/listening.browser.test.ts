import fs from 'node:fs';
import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { createInbox } from '../../src/inboxes/create-inbox';
import { launchChromium } from '../helpers/browser';
import { startTestChorus, type TestChorus } from '../helpers/test-chorus';
import { waitFor } from '../helpers/wait';
import { fakePlatform } from '../social/fake-platform';

const now = Date.now();
const iso = (minutesAgo: number) => new Date(now - minutesAgo * 60_000).toISOString();

// Done when: an admin sets up a stream on Mastodon, X and Bluesky through /admin/listening
// against the fake platforms, the posts they find appear in an open /listening page without a
// reload, and a public reply from the view becomes a public ticket whose reply reaches the
// fake Mastodon under the post.
describe('social listening in Chromium', () => {
  let t: TestChorus;
  let browser: Browser;
  let fake: Awaited<ReturnType<typeof fakePlatform>>;

  beforeAll(async () => {
    t = await startTestChorus();
    fake = await fakePlatform();
    browser = await launchChromium();
    // The accounts that answer: a Mastodon and an X inbox on the fake platform.
    await createInbox(t.s.db, Date.now(), { name: 'Acme on Mastodon', channel: 'mastodon', settings: { apiBaseUrl: fake.url, accessToken: 'masto-inbox-token', pollSeconds: 3600 } });
    await createInbox(t.s.db, Date.now(), { name: 'Acme on X', channel: 'x', settings: { apiBaseUrl: fake.url, accountId: '42', bearerToken: 'x-inbox-bearer-1' } });
    // Search answers shaped as each platform documents them, refused without the right token.
    fake.serve('/api/v2/search', { auth: 'Bearer masto-listen-token', query: { type: 'statuses' }, body: { accounts: [], hashtags: [], statuses: [{
      id: '113400000000000001', created_at: iso(3), visibility: 'public', language: 'en', in_reply_to_id: null, url: 'https://fake.social/@ana/113400000000000001',
      content: '<p>My acme router keeps dropping the connection every evening. Anyone else?</p>',
      account: { id: '9001', acct: 'ana@fake.social', display_name: 'Ana Lima', url: 'https://fake.social/@ana', followers_count: 12_500 },
    }] } });
    fake.serve('/2/tweets/search/recent', { auth: 'Bearer x-listen-token', query: { expansions: 'author_id' }, body: {
      data: [{ id: '1864000000000000002', text: 'Two weeks waiting for an acme refund. Not impressed.', author_id: '2244994945', created_at: iso(9), lang: 'en' }],
      includes: { users: [{ id: '2244994945', username: 'bobwrites', name: 'Bob Writes', public_metrics: { followers_count: 48_200, following_count: 10, tweet_count: 900, listed_count: 3 } }] },
      meta: { newest_id: '1864000000000000002', oldest_id: '1864000000000000002', result_count: 1 },
    } });
    fake.serve('/xrpc/app.bsky.feed.searchPosts', { query: { sort: 'latest' }, body: { posts: [{
      uri: 'at://did:plc:cara123/app.bsky.feed.post/3lcara', cid: 'bafyreicara', indexedAt: iso(15),
      author: { did: 'did:plc:cara123', handle: 'cara.bsky.social', displayName: 'Cara' },
      record: { $type: 'app.bsky.feed.post', text: 'The new acme app update is lovely, setup took two minutes', createdAt: iso(15), langs: ['en'] },
    }] } });
    fake.serve('/xrpc/app.bsky.actor.getProfiles', { body: { profiles: [{ did: 'did:plc:cara123', handle: 'cara.bsky.social', followersCount: 830 }] } });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
    await fake?.close();
  });

  async function signIn(p: Page, next: string) {
    await p.goto(`${t.url}/login?next=${next}`);
    await p.fill('input[name=email]', t.admin.email);
    await p.fill('input[name=password]', t.admin.password);
    await p.click('button[type=submit]');
    await p.waitForURL(new RegExp(`${next}$`));
  }

  it('streams on three platforms, posts live in the view, a public reply reaches the platform', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const view = await ctx.newPage();
    view.on('pageerror', (err) => { throw err; });
    await signIn(view, '/listening');
    await view.evaluate(() => { (window as unknown as { keep: number }).keep = 1; });
    expect(await view.locator('[data-item]').count()).toBe(0);

    // The admin adds one stream per platform through the form, in another tab.
    const admin = await ctx.newPage();
    await admin.goto(`${t.url}/admin/listening`);
    for (const [name, platform, token] of [['Acme on Mastodon', 'mastodon', 'masto-listen-token'], ['Acme on X', 'x', 'x-listen-token'], ['Acme on Bluesky', 'bluesky', '']]) {
      const form = admin.locator('form[data-new-stream]');
      await form.locator('input[name=name]').fill(name);
      await form.locator('select[name=platform]').selectOption(platform);
      await form.locator('input[name=keywords]').fill('acme');
      await form.locator('input[name=language]').fill('en');
      await form.locator('input[name=apiBaseUrl]').fill(fake.url);
      if (token) await form.locator('input[name=accessToken]').fill(token);
      await form.locator('input[name=pollSeconds]').fill('3600');
      await Promise.all([admin.waitForURL(/saved=1/), form.locator('button[type=submit]').click()]);
    }
    expect(await admin.locator('[data-stream]').count()).toBe(3);

    // The streams' first polls find one post each; they appear in the open view, no reload.
    await view.waitForFunction(() => document.querySelectorAll('[data-item]').length === 3, undefined, { timeout: 30_000 });
    expect(await view.evaluate(() => (window as unknown as { keep?: number }).keep)).toBe(1);
    // Live rows go on top in the order the polls found them: compare each row's facts, sorted.
    const rows = await view.locator('[data-item]').evaluateAll((els) => els.map((e) => [e.querySelector('[data-platform]')!.textContent, e.querySelector('[data-reach]')!.textContent, e.querySelector('[data-text]')!.textContent]));
    expect(rows.sort()).toEqual([
      ['Bluesky', '830 followers', 'The new acme app update is lovely, setup took two minutes'],
      ['Mastodon', '13k followers', 'My acme router keeps dropping the connection every evening. Anyone else?'],
      ['X', '48k followers', 'Two weeks waiting for an acme refund. Not impressed.'],
    ]);
    // Each live row carries the same triage forms as one the server drew.
    expect(await view.locator('[data-item] form[action$="/reply"][data-reply-form]').count()).toBe(3);
    // Scores arrive after the posts (scored after the poll's commit), live too.
    await view.waitForFunction(() => Array.from(document.querySelectorAll('[data-sentiment]')).every((e) => e.textContent !== 'no score'), undefined, { timeout: 15_000 });

    // Another agent's view of the same list, to see the answered post leave it live.
    const colleague = await ctx.newPage();
    await colleague.goto(`${t.url}/listening`);
    await colleague.locator('[data-item]', { hasText: 'keeps dropping' }).waitFor();

    // Reply to Ana's post from the view.
    const ana = view.locator('[data-item]', { hasText: 'keeps dropping' });
    await ana.locator('[data-reply] summary').click();
    await ana.locator('[data-reply-form] textarea[name=text]').fill('Sorry to hear that, Ana! Could you tell us your router model? We will look into it.');
    fs.mkdirSync(path.resolve(__dirname, '../../docs/screenshots'), { recursive: true });
    await view.evaluate(() => window.scrollTo(0, 0));
    await view.screenshot({ path: path.resolve(__dirname, '../../docs/screenshots/listening.png') });
    await Promise.all([view.waitForURL(/\/tickets\/\d+/), ana.locator('[data-reply-form] button[type=submit]').click()]);

    // A public ticket holding the post and the reply, saying why it is here.
    await view.locator('[data-why-here]').waitFor();
    expect(await view.locator('[data-why-here] a').getAttribute('href')).toBe('https://fake.social/@ana/113400000000000001');
    expect(await view.locator('[data-why-here]').textContent()).toContain('stream “Acme on Mastodon” (query: acme');
    expect(await view.locator('.pill.vis-public').textContent()).toBe('Public thread');
    const ticketId = Number(/\/tickets\/(\d+)/.exec(view.url())![1]);
    const sent = await waitFor(async () => fake.calls.filter((c) => c.path === '/api/v1/statuses'), (l) => l.length === 1);
    expect(sent[0]).toMatchObject({
      method: 'POST', auth: 'Bearer masto-inbox-token',
      body: { status: '@ana@fake.social Sorry to hear that, Ana! Could you tell us your router model? We will look into it.', in_reply_to_id: '113400000000000001', visibility: 'public' },
    });
    const ticket = (await t.api('GET', `/api/tickets/${ticketId}`)).body;
    expect(ticket.ticket.visibility).toBe('public');
    expect(ticket.messages.map((m: any) => [m.direction, m.audience])).toEqual([['inbound', 'public'], ['outbound', 'public']]);

    await colleague.locator('[data-item]', { hasText: 'keeps dropping' }).waitFor({ state: 'detached' });
    expect(await colleague.locator('[data-total]').textContent()).toBe('2');
    // Reach in the inbox row.
    await view.goto(`${t.url}/inbox`);
    const row = view.locator(`li.row[data-id="${ticketId}"]`);
    expect(await row.locator('.reach').textContent()).toBe('13k followers');
    expect(await row.locator('.ch').getAttribute('aria-label')).toBe('Mastodon');

    // Back in the view the answered post is gone; the other two wait.
    await view.goto(`${t.url}/listening`);
    expect((await view.locator('[data-item] [data-platform]').allTextContents()).sort()).toEqual(['Bluesky', 'X']);
    await ctx.close();

    // On a phone the view fits: no sideways scroll, the actions reachable.
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const mobile = await phone.newPage();
    await signIn(mobile, '/listening');
    expect(await mobile.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await mobile.locator('[data-item] [data-reply] summary').first().click();
    expect(await mobile.locator('[data-item] [data-reply-form] textarea').first().isVisible()).toBe(true);
    expect(await mobile.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await phone.close();
  }, 90_000);
});
