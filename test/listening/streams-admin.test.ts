import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAgent } from '../../src/agents/create-agent';
import { listeningStreamRepository } from '../../src/db/repositories/listening-stream.repository';
import { createInbox } from '../../src/inboxes/create-inbox';
import { pollStream } from '../../src/listening/poll-stream';
import { AgentClient } from '../helpers/agent-client';
import { DB_KINDS, startTestChorus, type TestChorus } from '../helpers/test-chorus';

describe.each(DB_KINDS)('listening streams: API and admin page (%s)', (db) => {
  let t: TestChorus;
  let server: http.Server;
  let base: string;
  const auth: (string | undefined)[] = [];
  beforeAll(async () => {
    t = await startTestChorus({ db, env: { CHORUS_WORKERS: 'false' } });
    // A Mastodon server that takes one token and answers status search with nothing new.
    server = http.createServer((req, res) => {
      auth.push(req.headers.authorization);
      if (req.headers.authorization !== 'Bearer masto-secret-token') return void res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'The access token is invalid' }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(req.url!.startsWith('/api/v2/search') ? { accounts: [], hashtags: [], statuses: [] } : []));
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => { server.close(); await t.stop(); });

  it('creates, lists, changes and deletes streams; the token is sealed in the store and never presented', async () => {
    const created = await t.api('POST', '/api/listening/streams', {
      name: 'Acme routers', platform: 'mastodon', keywords: ['acme'], phrases: ['keeps dropping'], hashtags: ['#AcmeRouter'], exclusions: ['giveaway'],
      language: 'EN', apiBaseUrl: base, accessToken: 'masto-secret-token', pollSeconds: 30,
    });
    expect(created.status).toBe(201);
    const st = created.body.stream;
    expect(st).toMatchObject({ name: 'Acme routers', platform: 'mastodon', hashtags: ['AcmeRouter'], language: 'en', tokenSet: true, enabled: true, lastPolledAt: null, lastError: null });
    // Each of the last seven UTC days, today first, none found yet.
    expect(st.itemsPerDay).toEqual(Array.from({ length: 7 }, (_, i) => ({ day: new Date(Date.now() - i * 86_400_000).toISOString().slice(0, 10), count: 0 })));
    expect(JSON.stringify(created.body)).not.toContain('masto-secret-token');
    const [row] = await t.s.db.m.query(`SELECT settings FROM listening_streams WHERE id = ${st.id}`);
    expect(String(row.settings)).not.toContain('masto-secret-token');
    expect(String(row.settings)).toContain('sealed:v1:');

    // The poller sends the opened token.
    expect((await pollStream(t.s, (await listeningStreamRepository.findById(t.s.db.m, st.id))!, Date.now())).error).toBeNull();
    expect(auth.at(-1)).toBe('Bearer masto-secret-token');
    const listed = (await t.api('GET', '/api/listening/streams')).body.streams.find((x: any) => x.id === st.id);
    expect(listed.lastPolledAt).not.toBeNull();

    // A new wrong token: the next poll fails, and the stream says why in words.
    const changed = await t.api('PATCH', `/api/listening/streams/${st.id}`, { accessToken: 'another-wrong-token', enabled: false });
    expect(changed.status).toBe(200);
    expect(changed.body.stream).toMatchObject({ enabled: false, tokenSet: true, keywords: ['acme'] });
    await pollStream(t.s, (await listeningStreamRepository.findById(t.s.db.m, st.id))!, Date.now());
    expect((await t.api('GET', `/api/listening/streams/${st.id}`)).body.stream.lastError).toBe('Mastodon refused the access token (HTTP 401) on the #AcmeRouter timeline: The access token is invalid');

    // Removing the token a keyword search needs is refused, naming the field.
    const refused = await t.api('PATCH', `/api/listening/streams/${st.id}`, { accessToken: null });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.fields).toHaveProperty('accessToken');
    expect((await t.api('DELETE', `/api/listening/streams/${st.id}`)).body).toEqual({ deleted: true });
    expect((await t.api('GET', `/api/listening/streams/${st.id}`)).status).toBe(404);
  });

  it('says in words when a platform cannot be reached or answers with a web page', async () => {
    // A port nothing listens on (taken, then let go), and a server answering with a login page.
    const closed = http.createServer();
    await new Promise<void>((ok) => closed.listen(0, '127.0.0.1', ok));
    const gone = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((ok) => closed.close(() => ok()));
    const html = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<html><body>Sign in</body></html>'));
    await new Promise<void>((ok) => html.listen(0, '127.0.0.1', ok));
    const page = `http://127.0.0.1:${(html.address() as AddressInfo).port}`;
    try {
      const mk = async (body: Record<string, unknown>) => (await t.api('POST', '/api/listening/streams', { name: 'Unreachable', keywords: ['acme'], accessToken: 'tok', ...body })).body.stream.id as number;
      const cases = [
        { id: await mk({ platform: 'mastodon', apiBaseUrl: gone }), error: `Could not reach Mastodon at ${gone} for status search (connection refused).` },
        { id: await mk({ platform: 'x', apiBaseUrl: page }), error: 'X answered recent search with something other than JSON (HTTP 200, text/html); check the stream\'s address.' },
        { id: await mk({ platform: 'bluesky', apiBaseUrl: gone }), error: `Could not reach Bluesky at ${gone} for post search (connection refused).` },
      ];
      for (const c of cases) {
        const r = await pollStream(t.s, (await listeningStreamRepository.findById(t.s.db.m, c.id))!, Date.now());
        expect(r.error).toBe(c.error);
        expect((await t.api('GET', `/api/listening/streams/${c.id}`)).body.stream).toMatchObject({ lastError: c.error, lastPolledAt: expect.any(String) });
        await t.api('DELETE', `/api/listening/streams/${c.id}`);
      }
    } finally {
      html.close();
    }
  });

  it('refuses bad input naming the field, and refuses non-admins', async () => {
    const bad = async (body: Record<string, unknown>) => (await t.api('POST', '/api/listening/streams', { name: 'S', platform: 'x', keywords: ['acme'], accessToken: 'x-bearer-token', ...body })).body.error;
    expect((await bad({ platform: 'myspace' })).details.fields).toHaveProperty('platform');
    expect((await bad({ keywords: [], phrases: [], hashtags: [] })).details.fields).toHaveProperty('keywords');
    expect((await bad({ language: 'english' })).details.fields).toHaveProperty('language');
    expect((await bad({ accessToken: undefined })).details.fields).toHaveProperty('accessToken');
    expect((await bad({ platform: 'mastodon', apiBaseUrl: null })).details.fields).toHaveProperty('apiBaseUrl');
    expect((await bad({ apiBaseUrl: 'ftp://example.com' })).details.fields).toHaveProperty('apiBaseUrl');
    const mastoInbox = await createInbox(t.s.db, Date.now(), { name: 'Masto', channel: 'mastodon', settings: { apiBaseUrl: base, accessToken: 'masto-secret-token' } });
    const wrong = await bad({ inboxId: mastoInbox.id });
    expect(wrong.details.fields.inboxId[0]).toMatch(/is a mastodon inbox; choose a x inbox/);
    const agent = await createAgent(t.s.db, Date.now(), { email: `plain-${db}@chorus.test`, name: 'Plain', password: 'plain-password', role: 'agent' });
    const token = await t.s.sessions.createApiToken(agent.id, 'plain');
    expect((await t.api('GET', '/api/listening/streams', undefined, token)).status).toBe(403);
    expect((await t.api('POST', '/api/listening/streams', { name: 'S' }, token)).status).toBe(403);
  });

  it('admin page: a form (not JSON) adds a stream, shows its last poll, error in words and finds per day; mistakes are shown beside the field', async () => {
    const admin = new AgentClient(t);
    await admin.signIn(t.admin.email, t.admin.password);
    expect((await admin.get('/admin/listening')).status).toBe(200);
    const form = { name: 'Page stream', platform: 'mastodon', keywords: 'acme, router', phrases: '', hashtags: '#AcmeRouter', exclusions: 'giveaway', language: 'en', apiBaseUrl: base, accessToken: 'masto-secret-token', pollSeconds: '60', inboxId: '', autoMinFollowers: '10000', enabled: '1' };
    const missing = await admin.post('/admin/listening', { ...form, apiBaseUrl: '' });
    expect(missing.status).toBe(422);
    expect(missing.html).toMatch(/<input name="apiBaseUrl"[^>]*><span class="field-error">Mastodon streams need the server address/);
    // What was typed is kept, the token aside.
    expect(missing.html).toContain('value="acme, router"');
    expect(missing.html).not.toContain('masto-secret-token');
    const ok = await admin.post('/admin/listening', form);
    expect(ok.status).toBe(303);
    const st = (await listeningStreamRepository.list(t.s.db.m)).find((x) => x.name === 'Page stream')!;
    expect(st).toMatchObject({ platform: 'mastodon', query: { keywords: ['acme', 'router'], hashtags: ['AcmeRouter'], exclusions: ['giveaway'], language: 'en' }, settings: { autoTicket: { minFollowers: 10000, negative: false } } });
    await t.s.db.m.query(`INSERT INTO listening_items (platform, external_id, text, posted_at, found_at, status, updated_at) VALUES ('mastodon', 'page-1', 'acme', 1, 1, 'new', 1)`);
    const [{ id: itemId }] = await t.s.db.m.query(`SELECT id FROM listening_items WHERE external_id = 'page-1'`);
    await t.s.db.m.query(`INSERT INTO listening_item_matches (item_id, stream_id, query, matched_at) VALUES (${itemId}, ${st.id}, 'acme', ${Date.now()})`);
    await t.s.db.write((m) => listeningStreamRepository.recordPoll(m, st.id, { lastPolledAt: Date.parse('2026-12-01T10:00:00Z'), lastError: 'Mastodon is rate-limiting us (HTTP 429) on status search', nextPollAt: null }));
    const page = (await admin.get('/admin/listening')).html;
    const card = page.slice(page.indexOf(`id="stream-${st.id}"`));
    expect(card).toContain('Last poll: 2026-12-01 10:00 UTC');
    expect(card).toContain('Mastodon is rate-limiting us (HTTP 429) on status search');
    expect(card).toContain(`${new Date().toISOString().slice(0, 10)}: 1`);
    expect(card).toContain(`Found in the last 7 days: 1 — ${new Date().toISOString().slice(0, 10)}: 1 · ${new Date(Date.now() - 86_400_000).toISOString().slice(0, 10)}: 0`);
    expect(card).toContain('placeholder="set — leave empty to keep"');
    // Saving the form without a token keeps the stored one.
    const saved = await admin.post(`/admin/listening/${st.id}`, { ...form, accessToken: '', language: 'de' });
    expect(saved.status).toBe(303);
    const after = (await listeningStreamRepository.findById(t.s.db.m, st.id))!;
    expect(after.query.language).toBe('de');
    expect(after.settings?.accessToken).toBe(st.settings?.accessToken);
    const badEdit = await admin.post(`/admin/listening/${st.id}`, { ...form, language: 'deutsch' });
    expect(badEdit.status).toBe(422);
    expect(badEdit.html).toContain('two- or three-letter language code');
    expect((await admin.post(`/admin/listening/${st.id}/delete`, {})).status).toBe(303);
    expect(await listeningStreamRepository.findById(t.s.db.m, st.id)).toBeNull();
  });
});
