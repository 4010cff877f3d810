import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { createAgent } from '../src/agents/create-agent';
import { mailPreviewRepository } from '../src/db/repositories/mail-preview.repository';
import { Mailer } from '../src/mail/mailer';
import { mailPreviewKeeper } from '../src/mail-preview/keep-preview';
import { ROOT } from '../src/paths';
import { AgentClient } from './helpers/agent-client';
import { DB_KINDS, startTestChorus, type TestChorus } from './helpers/test-chorus';
import { WebClient } from './helpers/web-client';
import { waitFor } from './helpers/wait';

const unescapeHtml = (s: string) => s.replace(/&amp;/g, '&').replace(/&#x3D;/g, '=').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#x27;/g, "'");

describe.each(DB_KINDS)('the mail preview without SMTP_URL (%s)', (db) => {
  let t: TestChorus;
  let admin: AgentClient;
  beforeAll(async () => {
    t = await startTestChorus({ db });
    admin = new AgentClient(t);
    await admin.signIn(t.admin.email, t.admin.password);
  });
  afterAll(async () => t?.stop());

  it('keeps the sign-in mail of a newcomer, shows it to an admin, and its link signs the customer in', async () => {
    const customer = new WebClient(t);
    expect((await customer.form('/signin', { email: 'newcomer@example.com' })).status).toBe(200);

    const list = await waitFor(() => admin.get('/admin/mail-preview'), (r) => r.html.includes('newcomer@example.com'));
    expect(list.status).toBe(200);
    expect(list.html).toContain('href="/admin/mail-preview"');
    const id = Number(/<td>(\d+)<\/td><td class="small">newcomer@example\.com<\/td>/.exec(list.html)?.[1]);
    expect(id).toBeGreaterThan(0);

    const page = await admin.get(`/admin/mail-preview/${id}`);
    expect(page.status).toBe(200);
    expect(page.html).toMatch(/<th scope="row">To<\/th><td class="small">newcomer@example\.com<\/td>/);
    expect(page.html).toMatch(/<th scope="row">Subject<\/th><td class="small">Your sign-in link<\/td>/);
    expect(page.html).toMatch(/<iframe class="mail-html" sandbox src="\/admin\/mail-preview\/\d+\/html"/);
    const text = unescapeHtml(/<pre class="mail-text">([\s\S]*?)<\/pre>/.exec(page.html)![1]);
    const link = new URL(/https?:\/\/\S+\/signin\/link\?\S+/.exec(text)![0]);
    expect(link.searchParams.get('next')).toBe('/my');

    const signedIn = await customer.form('/signin/link', { token: link.searchParams.get('token')!, next: link.searchParams.get('next')! });
    expect(signedIn).toMatchObject({ status: 303, location: '/my' });
    expect((await customer.get('/my')).status).toBe(200);
  });

  it('serves a hostile HTML part only sandboxed, logs where the mail was kept, and lists newest first, page by page', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }));
    const mailer = new Mailer(t.s.config, logger, path.join(ROOT, 'views'), mailPreviewKeeper(t.s));
    await mailer.send({ from: 'a@chorus.test', to: 'victim@example.com', subject: 'Hostile', text: 'plain', html: '<p>hi</p><script>parent.document.title="owned"</script><img src="https://tracker.example/p.gif">' });
    const log = JSON.parse(lines.find((l) => l.includes('mail preview'))!);
    const id = Number(/\/admin\/mail-preview\/(\d+)$/.exec(log.preview)?.[1]);
    expect(log.preview).toBe(`${t.s.config.publicUrl}/admin/mail-preview/${id}`);

    const show = await admin.get(`/admin/mail-preview/${id}`);
    expect(show.html).not.toContain('<script>parent');
    expect(show.html).not.toContain('tracker.example');
    const html = await fetch(`${t.url}/admin/mail-preview/${id}/html`, { headers: { cookie: admin.cookie } });
    expect(html.status).toBe(200);
    expect(await html.text()).toContain('<script>parent');
    expect(html.headers.get('content-security-policy')).toMatch(/^sandbox; default-src 'none';/);

    // 60 more: the first page holds the newest 50, "Older" goes on from there.
    const base = await t.s.db.write((m) => mailPreviewRepository.count(m));
    for (let i = 0; i < 60; i++) {
      await t.s.db.write((m) => mailPreviewRepository.insert(m, { recipients: `p${i}@example.com`, subject: `Bulk ${i}`, messageId: null, raw: `Subject: Bulk ${i}\r\n\r\nx\r\n`, createdAt: Date.now() }));
    }
    const first = await admin.get('/admin/mail-preview');
    const subjects = [...first.html.matchAll(/>(Bulk \d+)<\/a>/g)].map((x) => x[1]);
    expect(subjects).toHaveLength(50);
    expect(subjects[0]).toBe('Bulk 59');
    expect(subjects[49]).toBe('Bulk 10');
    expect(first.html).toContain(`${base + 60} kept e-mail(s)`);
    const older = /href="(\/admin\/mail-preview\?before=\d+)" rel="next"/.exec(first.html)![1];
    const second = await admin.get(older);
    const rest = [...second.html.matchAll(/>(Bulk \d+|Hostile|Your sign-in link)<\/a>/g)].map((x) => x[1]);
    expect(rest.slice(0, 10)).toEqual(Array.from({ length: 10 }, (_, i) => `Bulk ${9 - i}`));
    expect(rest).toContain('Hostile');
  });

  it('is for admins only', async () => {
    const [kept] = await mailPreviewRepository.page(t.s.db.m, 1);
    expect((await new AgentClient(t).get('/admin/mail-preview')).location).toBe('/login?next=%2Fadmin%2Fmail-preview');
    await createAgent(t.s.db, Date.now(), { email: `plain-${db}@chorus.test`, name: 'Plain Agent', password: 'plain-password', role: 'agent' });
    const plain = new AgentClient(t);
    await plain.signIn(`plain-${db}@chorus.test`, 'plain-password');
    for (const p of ['/admin/mail-preview', `/admin/mail-preview/${kept.id}`, `/admin/mail-preview/${kept.id}/html`, `/admin/mail-preview/${kept.id}/raw`]) expect((await plain.get(p)).status).toBe(403);
    expect((await admin.get(`/admin/mail-preview/${kept.id}/raw`)).status).toBe(200);
  });

  it('is kept in the database, so another node on the same store shows it', async () => {
    const other = await startTestChorus({ dbUrl: t.dbUrl, env: { CHORUS_WORKERS: 'false' } });
    try {
      const a = new AgentClient(other);
      await a.signIn(t.admin.email, t.admin.password);
      const [newest] = await mailPreviewRepository.page(t.s.db.m, 1);
      expect((await a.get('/admin/mail-preview')).html).toContain(`>${newest.subject}</a>`);
      const first = (await t.s.db.m.query("SELECT id FROM mail_previews WHERE recipients = 'newcomer@example.com'"))[0];
      expect((await a.get(`/admin/mail-preview/${first.id}`)).html).toContain('Your sign-in link');
    } finally {
      await other.stop();
    }
  });
});
