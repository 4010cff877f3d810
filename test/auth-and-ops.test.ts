import { DB_KINDS, startTestChorus, type TestChorus } from './helpers/test-chorus';

async function login(t: TestChorus, email: string, password: string) {
  const res = await fetch(`${t.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  const cookie = res.headers.get('set-cookie')?.split(';')[0] ?? '';
  return { status: res.status, cookie, setCookie: res.headers.get('set-cookie') ?? '', body: (await res.json()) as any };
}

describe.each(DB_KINDS)('agent auth, CSRF, tokens and operations (%s)', (db) => {
  let t: TestChorus;
  beforeAll(async () => {
    t = await startTestChorus({ db });
  });
  afterAll(async () => t.stop());

  it('signs in with a password into an httpOnly SameSite cookie session', async () => {
    const r = await login(t, t.admin.email, t.admin.password);
    expect(r.status).toBe(200);
    expect(r.setCookie).toMatch(/HttpOnly/i);
    expect(r.setCookie).toMatch(/SameSite=Lax/i);
    const me = await fetch(`${t.url}/api/auth/me`, { headers: { cookie: r.cookie } }).then((x) => x.json() as any);
    expect(me.viewer).toMatchObject({ kind: 'agent', agentId: t.admin.id });
    expect(me.csrfToken).toBe(r.body.csrfToken);
  });

  it('refuses cookie-authenticated writes without the CSRF token', async () => {
    const r = await login(t, t.admin.email, t.admin.password);
    const body = JSON.stringify({ name: 'Ops', channel: 'api' });
    const without = await fetch(`${t.url}/api/inboxes`, { method: 'POST', headers: { cookie: r.cookie, 'content-type': 'application/json' }, body });
    expect(without.status).toBe(403);
    expect(((await without.json()) as any).error.code).toBe('csrf_failed');
    const withToken = await fetch(`${t.url}/api/inboxes`, { method: 'POST', headers: { cookie: r.cookie, 'content-type': 'application/json', 'x-csrf-token': r.body.csrfToken }, body });
    expect(withToken.status).toBe(201);
    const created = (await withToken.json()) as any;
    expect(created.inbox.secret).toEqual(expect.any(String));
    const listed = await t.api('GET', '/api/inboxes');
    expect(JSON.stringify(listed.body)).not.toContain(created.inbox.secret);
  });

  it('rate-limits repeated failed sign-ins', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await login(t, 'nobody@chorus.test', 'wrong password')).status);
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
  });

  it('answers 401 without credentials and 403 for an agent on admin endpoints', async () => {
    expect((await t.api('GET', '/api/tickets', undefined, '')).status).toBe(401);
    const agent = await t.api('POST', '/api/agents', { email: 'ann@chorus.test', name: 'Ann', password: 'long enough' });
    expect(agent.status).toBe(201);
    const token = await t.s.sessions.createApiToken(agent.body.agent.id, 'test');
    const res = await t.api('POST', '/api/inboxes', { name: 'X', channel: 'api' }, token);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
    expect((await t.api('GET', '/api/tickets', undefined, 'chorus_not-a-token')).status).toBe(401);
  });

  it('serves health, metrics and an OpenAPI document generated from the schemas', async () => {
    expect((await t.api('GET', '/healthz')).body).toMatchObject({ ok: true, database: db });
    const metrics = await fetch(`${t.url}/metrics`).then((r) => r.text());
    expect(metrics).toContain('chorus_ingest_items_total');
    expect(metrics).toContain('chorus_http_request_duration_seconds');
    expect(metrics).toContain('chorus_socket_connections');
    const doc = (await t.api('GET', '/api/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    const post = doc.paths['/api/inboxes/{id}/messages'].post;
    expect(post.requestBody.content['application/json'].schema.properties).toHaveProperty('externalId');
    expect(doc.paths['/api/tickets'].get.parameters.map((p: any) => p.name)).toEqual(expect.arrayContaining(['status', 'assignee', 'cursor']));
  });

  it('pages through tickets with a cursor and filters them', async () => {
    const inbox = (await t.api('POST', '/api/inboxes', { name: 'Paging', channel: 'api' })).body.inbox;
    for (let i = 0; i < 7; i++) {
      const r = await t.api('POST', '/api/tickets', { inboxId: inbox.id, subject: `Paging ${i}`, requester: { email: `p${i}@example.com` }, tags: i % 2 ? ['odd'] : [] });
      expect(r.status).toBe(201);
    }
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `/api/tickets?inbox=${inbox.id}&limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await t.api('GET', q);
      seen.push(...page.body.tickets.map((x: any) => x.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
    const odd = await t.api('GET', `/api/tickets?inbox=${inbox.id}&tag=odd`);
    expect(odd.body.tickets).toHaveLength(3);
    const bad = await t.api('GET', '/api/tickets?status=bogus');
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.details.fields)[0]).toMatch(/^status/);
  });

  it('records an event for every ticket command and follows the status rules', async () => {
    const inbox = (await t.api('POST', '/api/inboxes', { name: 'Cmds', channel: 'api' })).body.inbox;
    const { ticket } = (await t.api('POST', '/api/tickets', { inboxId: inbox.id, subject: 'Commands', requester: { email: 'c@example.com' } })).body;
    const id = ticket.id;
    expect((await t.api('PATCH', `/api/tickets/${id}`, { assigneeId: t.admin.id, priority: 'high' })).body.ticket).toMatchObject({ priority: 'high', assignee: { id: t.admin.id }, status: 'open' });
    await t.api('POST', `/api/tickets/${id}/tags`, { tag: 'Billing Issue' });
    expect((await t.api('DELETE', `/api/tickets/${id}/tags/billing-issue`)).body.tags).toEqual([]);
    await t.api('POST', `/api/tickets/${id}/notes`, { text: 'internal' });
    expect((await t.api('PATCH', `/api/tickets/${id}`, { status: 'solved' })).body.ticket.status).toBe('solved');
    expect((await t.api('PATCH', `/api/tickets/${id}`, { status: 'closed' })).body.ticket.status).toBe('closed');
    const reopen = await t.api('PATCH', `/api/tickets/${id}`, { status: 'open' });
    expect(reopen.status).toBe(409);
    const detail = await t.api('GET', `/api/tickets/${id}`);
    expect(detail.body.events.map((e: any) => e.type)).toEqual(['created', 'assigned', 'priority', 'tag.added', 'tag.removed', 'status', 'status']);
  });
});
