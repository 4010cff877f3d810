import { createInbox } from '../src/inboxes/create-inbox';
import { AgentClient } from './helpers/agent-client';
import { startTestChorus, type TestChorus } from './helpers/test-chorus';

// Admin and management pages speak the agent's browser language (Accept-Language), else English.
describe('admin and report pages in the agent’s language', () => {
  let t: TestChorus;
  let admin: AgentClient;
  const page = async (p: string, lang?: string) => {
    const res = await fetch(t.url + p, { headers: { accept: 'text/html', cookie: admin.cookie, ...(lang ? { 'accept-language': lang } : {}) }, redirect: 'manual' });
    return { status: res.status, html: await res.text() };
  };

  beforeAll(async () => {
    const { modules } = await import('../src/modules');
    t = await startTestChorus({ modules });
    await createInbox(t.s.db, Date.now(), { name: 'Support', channel: 'email', address: 'support@acme.test' });
    admin = new AgentClient(t);
    await admin.signIn(t.admin.email, t.admin.password);
  });
  afterAll(async () => t.stop());

  it('/admin/rules in German for a German browser, in English by default', async () => {
    const de = await page('/admin/rules', 'de-DE,de;q=0.9,en;q=0.5');
    expect(de.status).toBe(200);
    expect(de.html).toContain('<h1>Regeln</h1>');
    expect(de.html).toContain('Neue Regel');
    expect(de.html).toContain('<title>Regeln · Chorus</title>');
    expect(de.html).toContain('>Posteingänge</a>');
    expect(de.html).not.toContain('New rule');
    const en = await page('/admin/rules');
    expect(en.html).toContain('<h1>Rules</h1>');
    expect(en.html).toContain('New rule');
    expect(en.html).toContain('>Inboxes</a>');
  });

  it('/admin/inboxes in German, including what the server writes into the form', async () => {
    const de = await page('/admin/inboxes', 'de');
    expect(de.status).toBe(200);
    expect(de.html).toContain('<h1>Posteingänge</h1>');
    expect(de.html).toContain('Posteingang anlegen');
    expect(de.html).toContain('rund um die Uhr');
    expect(de.html).not.toContain('Create an inbox');
    expect(de.html).toContain('>IMAP-Server</label>');
    expect(de.html).toContain('<legend>Zufriedenheitsumfrage</legend>');
    const en = await page('/admin/inboxes', 'fr');
    expect(en.html).toContain('<h1>Inboxes</h1>');
    expect(en.html).toContain('Create an inbox');
  });

  it('/reports in German — tabs, filters, tiles, table headers and chart labels — while the CSV and JSON stay English', async () => {
    const de = await page('/reports', 'de');
    expect(de.status).toBe(200);
    expect(de.html).toContain('<h1>Berichte</h1>');
    expect(de.html).toContain('<title>Berichte · Überblick · Chorus</title>');
    expect(de.html).toContain('Neue Tickets');
    expect(de.html).toContain('<th>Tag</th>');
    expect(de.html).toContain('aria-label="Neue und gelöste Tickets pro Tag"');
    expect(de.html).toContain('Letzte 7 Tage');
    expect(de.html).not.toContain('New tickets');
    const en = await page('/reports');
    expect(en.html).toContain('<h1>Reports</h1>');
    expect(en.html).toContain('New tickets');
    expect(en.html).toContain('aria-label="New and solved tickets per day"');
    const csv = await fetch(`${t.url}/api/reports/overview/daily.csv`, { headers: { cookie: admin.cookie, 'accept-language': 'de' } });
    expect((await csv.text()).split('\r\n')[0]).toBe('Day,New,Replies,Solved,Reopened,Backlog at end of day');
    const json = (await (await fetch(`${t.url}/api/reports/overview`, { headers: { accept: 'application/json', cookie: admin.cookie, 'accept-language': 'de' } })).json()) as { tables: { summary: { rows: { metric: string }[] } } };
    expect(json.tables.summary.rows[0].metric).toBe('New tickets');
  });

  it('the command centre in German, with the strings its script needs in data- attributes', async () => {
    const de = await page('/reports/live', 'de');
    expect(de.status).toBe(200);
    expect(de.html).toContain('<h1>Kommandozentrale</h1>');
    expect(de.html).toContain('Offene Tickets pro Kanal');
    expect(de.html).toContain('data-lang="de"');
    expect(de.html).toContain('data-text-reconnecting="Verbindung wird wiederhergestellt …"');
    const en = await page('/reports/live');
    expect(en.html).toContain('<h1>Command centre</h1>');
    expect(en.html).toContain('Open tickets per channel');
  });

  it('the listening view and its streams page in German, the live script’s words in data- attributes', async () => {
    const view = await page('/listening', 'de');
    expect(view.status).toBe(200);
    expect(view.html).toContain('<h1>Social Listening</h1>');
    expect(view.html).toContain('data-text-followers="{n} Follower"');
    const streams = await page('/admin/listening', 'de');
    expect(streams.html).toContain('<h1>Listening-Streams</h1>');
    expect(streams.html).toContain('Stream hinzufügen');
    expect((await page('/listening')).html).toContain('Nothing waiting.');
  });

  it('the rule form’s triggers, condition tests and actions in German, in English by default', async () => {
    const de = await page('/admin/rules/new', 'de');
    expect(de.html).toContain('<option value="ticket_created" selected>Ein Ticket wird erstellt</option>');
    expect(de.html).toContain('>Betreff enthält</option>');
    expect(de.html).toContain('<option value="set_priority:urgent">Priorität urgent setzen</option>');
    const en = await page('/admin/rules/new');
    expect(en.html).toContain('<option value="ticket_created" selected>A ticket is created</option>');
    expect(en.html).toContain('<option value="set_priority:urgent">Set priority urgent</option>');
  });

  it('every other admin page has its German heading and no untranslated key', async () => {
    const pages: [string, string][] = [
      ['/admin/agents', 'Agenten'], ['/admin/branding', 'Erscheinungsbild'], ['/admin/sla', 'SLA-Richtlinien'], ['/admin/calendars', 'Geschäftszeiten'],
      ['/admin/canned', 'Textbausteine'], ['/admin/macros', 'Makros'], ['/admin/ingest', 'Fehlgeschlagener Eingang'], ['/admin/mail-preview', 'Mail-Vorschau'],
      ['/admin/webhooks', 'Webhooks'], ['/admin/holds', 'Rechtliche Sperren'], ['/admin/erasures', 'Löschanträge'], ['/admin/retention', 'Aufbewahrung'],
      ['/admin/rules/new', 'Neue Regel'],
    ];
    const choices: Record<string, string> = { '/admin/webhooks': 'Ticket erstellt', '/admin/holds': 'Kontakt (alle seine Tickets)', '/admin/retention': 'Die Tickets anonymisieren', '/admin/calendars': 'Montag' };
    for (const [p, heading] of pages) {
      const de = await page(p, 'de');
      expect({ p, status: de.status }).toEqual({ p, status: 200 });
      expect({ p, h1: /<h1>([^<]*)/.exec(de.html)?.[1].trim() }).toEqual({ p, h1: heading });
      if (choices[p]) expect(de.html).toContain(choices[p]);
      expect({ p, raw: de.html.match(/\b(?:admin|reports)\.[a-z]+\.[a-zA-Z]+\b/g) }).toEqual({ p, raw: null });
    }
  });
});
