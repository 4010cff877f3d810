import type { EntityManager } from 'typeorm';
import { contactRepository } from '../src/db/repositories/contact.repository';
import { listContacts } from '../src/db/repositories/contact-list.repository';
import { AgentClient } from './helpers/agent-client';
import { seedDemo } from './helpers/seed-demo';
import { DB_KINDS, startTestChorus, type TestChorus } from './helpers/test-chorus';
import { signInByLink } from './helpers/web-client';

// The agents' contacts list, page and JSON: search by a prefix of the name, an e-mail address or
// a handle through indexes; pages by cursor, newest first or by name, ties broken by id; a bad
// parameter is named; customers and signed-out visitors are told it does not exist.
describe.each(DB_KINDS)('contacts list (%s)', (db) => {
  let t: TestChorus;
  let agent: AgentClient;
  let demo: Awaited<ReturnType<typeof seedDemo>>;
  const ties: number[] = [];
  beforeAll(async () => {
    t = await startTestChorus({ db });
    demo = await seedDemo(t);
    agent = new AgentClient(t);
    await agent.signIn(t.admin.email, t.admin.password);
    // Seven people called the same (two spelled in other case), each with an address.
    for (const [i, name] of ['Tess Tie', 'tess tie', 'Tess Tie', 'TESS TIE', 'Tess Tie', 'Tess Tie', 'Tess Tie'].entries()) {
      const id = await contactRepository.create(t.s.db.m, name, Date.now());
      await contactRepository.addIdentity(t.s.db.m, id, { kind: 'email', value: `tess${i}@ties.example` }, Date.now());
      ties.push(id);
    }
  });
  afterAll(async () => t?.stop());
  const list = async (qs: string) => t.api('GET', `/api/contacts?${qs}`);
  const requesterOf = async (ticketId: number) => (await t.api('GET', `/api/tickets/${ticketId}`)).body.ticket.requester.id as number;

  it('finds contacts by the start of a name, an e-mail address or a handle, with their figures', async () => {
    const lena = await requesterOf(demo.tickets.vat);
    const priya = await requesterOf(demo.tickets.csv);
    for (const q of ['lena', 'LENA F', 'lena@north', 'Lena@Northwind.example']) {
      const r = await list(`q=${encodeURIComponent(q)}`);
      expect([q, r.status, r.body.contacts.map((c: any) => c.id)]).toEqual([q, 200, [lena]]);
    }
    const row = (await list('q=lena')).body.contacts[0];
    expect(row).toMatchObject({ name: 'Lena Fischer', mainIdentity: { kind: 'email', value: 'lena@northwind.example' }, identityCount: 1, reach: null, openTickets: 1 });
    expect(Date.parse(row.lastActivityAt)).toBeGreaterThan(Date.now() - 3_600_000);
    for (const q of ['@priyab', 'priyabuilds', 'Priya']) {
      expect([q, (await list(`q=${encodeURIComponent(q)}`)).body.contacts.map((c: any) => c.id)]).toEqual([q, [priya]]);
    }
    expect((await list('q=priya')).body.contacts[0]).toMatchObject({ reach: 48200, mainIdentity: { handle: 'priyabuilds', followers: 48200 } });
    // A prefix, not a substring: the middle of a name or an address finds nobody.
    expect((await list('q=ischer')).body.contacts).toEqual([]);
    expect((await list('q=northwind')).body.contacts).toEqual([]);
    // Wildcards are typed text, not patterns.
    expect((await list('q=%25')).body.contacts).toEqual([]);
    expect((await list('q=_ena')).body.contacts).toEqual([]);
  });

  it('counts only unsolved tickets as open and leaves merged contacts out', async () => {
    const sam = await requesterOf(demo.tickets.refund);
    expect((await list('q=sam')).body.contacts[0]).toMatchObject({ id: sam, openTickets: 1 });
    expect((await t.api('PATCH', `/api/tickets/${demo.tickets.refund}`, { status: 'solved' })).status).toBe(200);
    expect((await list('q=sam')).body.contacts[0]).toMatchObject({ id: sam, openTickets: 0 });
    const dup = await contactRepository.create(t.s.db.m, 'Sam Okafor', Date.now());
    expect((await list('q=sam')).body.contacts.map((c: any) => c.id)).toEqual([dup, sam]);
    expect((await t.api('POST', `/api/contacts/${dup}/merge`, { intoContactId: sam })).status).toBe(200);
    expect((await list('q=sam')).body.contacts.map((c: any) => c.id)).toEqual([sam]);
  });

  it('pages newest first and by name without losing or repeating a tie', async () => {
    const walk = async (sort: string, limit: number) => {
      const seen: number[][] = [];
      let cursor: string | null = null;
      do {
        const r: any = await list(`q=tess&sort=${sort}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        expect(r.status).toBe(200);
        seen.push(r.body.contacts.map((c: any) => c.id));
        cursor = r.body.nextCursor;
      } while (cursor && seen.length < 20);
      return seen;
    };
    const byName = await walk('name', 3);
    expect(byName.map((p) => p.length)).toEqual([3, 3, 1]);
    // Lowercased names are equal: the id decides, across page boundaries.
    expect(byName.flat()).toEqual([...ties].sort((a, b) => a - b));
    const newest = await walk('newest', 2);
    expect(newest.map((p) => p.length)).toEqual([2, 2, 2, 1]);
    expect(newest.flat()).toEqual([...ties].sort((a, b) => b - a));
    // Without a search too: every unmerged contact once, in name order.
    const all: { id: number; name: string }[] = [];
    let cursor: string | null = null;
    do {
      const r: any = await list(`sort=name&limit=4${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      all.push(...r.body.contacts);
      cursor = r.body.nextCursor;
    } while (cursor && all.length < 500);
    expect(new Set(all.map((c) => c.id)).size).toBe(all.length);
    const names = all.map((c) => c.name.toLowerCase());
    expect(names).toEqual([...names].sort((a, b) => (Buffer.from(a) < Buffer.from(b) ? -1 : a === b ? 0 : 1)));
    expect(all.length).toBeGreaterThanOrEqual(ties.length + 8);
  });

  it('names the wrong parameter', async () => {
    const bad = async (qs: string, field: string) => {
      const r = await list(qs);
      expect([qs, r.status, Object.keys(r.body.error.details.fields)]).toEqual([qs, 400, [field]]);
      expect(r.body.error.message).toContain(field);
    };
    await bad('sort=oldest', 'sort');
    await bad('limit=0', 'limit');
    await bad('cursor=not-a-cursor', 'cursor');
    const byId = (await list('q=tess&limit=2')).body.nextCursor;
    await bad(`sort=name&cursor=${encodeURIComponent(byId)}`, 'cursor');
    await bad(`q=${'x'.repeat(201)}`, 'q');
  });

  it('is for agents only: a customer or a signed-out visitor gets 404, page and JSON', async () => {
    expect((await fetch(`${t.url}/api/contacts`)).status).toBe(404);
    expect((await fetch(`${t.url}/api/contacts?q=lena`)).status).toBe(404);
    const lena = await signInByLink(t, 'lena@northwind.example');
    const json = await lena.get('/api/contacts?q=lena');
    expect(json.status).toBe(404);
    expect(json.html).not.toContain('northwind');
    const page = await lena.get('/contacts?q=lena');
    expect(page.status).not.toBe(200);
    expect(page.html).not.toContain('lena@northwind.example');
    expect((await fetch(`${t.url}/contacts`, { redirect: 'manual' })).status).not.toBe(200);
  });

  it('renders the list page, linked from the top bar, with search, figures and a next page', async () => {
    const priya = await requesterOf(demo.tickets.csv);
    const inbox = await agent.get('/inbox');
    expect(inbox.html).toContain('<a href="/contacts">Contacts</a>');
    const page = await agent.get('/contacts?q=%40priya');
    expect(page.status).toBe(200);
    expect(page.html).toContain('<a href="/contacts" class="on">Contacts</a>');
    expect(page.html).toMatch(new RegExp(`data-contact-row="${priya}"[\\s\\S]*href="/contacts/${priya}">Priya Raman</a>[\\s\\S]*@priyabuilds[\\s\\S]*48,200 followers[\\s\\S]*1 open ticket<`));
    const first = await agent.get('/contacts?q=tess&sort=name&limit=3');
    const rows = (html: string) => [...html.matchAll(/data-contact-row="(\d+)"/g)].map((m) => Number(m[1]));
    expect(rows(first.html)).toEqual([...ties].sort((a, b) => a - b).slice(0, 3));
    const more = /href="([^"]+)" rel="next"/.exec(first.html)![1].replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');
    expect(more).toContain('sort=name');
    expect(more).toContain('limit=3');
    const second = await agent.get(more);
    expect(rows(second.html)).toEqual([...ties].sort((a, b) => a - b).slice(3, 6));
    expect((await agent.get('/contacts?q=nobody-here')).html).toContain('No contact’s name, e-mail address or handle starts with “nobody-here”.');
    const bad = await agent.get('/contacts?sort=oldest');
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('sort');
    // The contact page leads back to the list.
    expect((await agent.get(`/contacts/${priya}`)).html).toContain('<a href="/contacts">Contacts</a> › Contact');
  });

  it('is in the OpenAPI document with its parameters and its 404', async () => {
    const op = (await t.api('GET', '/api/openapi.json')).body.paths['/api/contacts'].get;
    expect(op.parameters.map((p: any) => p.name)).toEqual(expect.arrayContaining(['q', 'sort', 'cursor', 'limit']));
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '400', '404']));
    expect(op.responses['200'].content['application/json'].schema.properties).toHaveProperty('nextCursor');
  });

  it('reads through the lowercased indexes, never a scan of every contact or identity', async () => {
    const seen: { sql: string; params: unknown[] }[] = [];
    const spy = { connection: t.s.db.m.connection, query: async (sql: string, params: unknown[]) => (seen.push({ sql, params }), []) } as unknown as EntityManager;
    await listContacts(spy, { q: 'tess', sort: 'name', limit: 10, after: { name: 'tess tie', id: ties[2] } });
    await listContacts(spy, { q: 'tess', sort: 'newest', limit: 10 });
    await listContacts(spy, { sort: 'name', limit: 10 });
    await listContacts(spy, { sort: 'name', limit: 10, after: { name: 'm', id: 1 } });
    for (const { sql, params } of seen) {
      const plan = db === 'postgres'
        ? await t.s.db.m.transaction(async (tx) => {
          await tx.query('SET LOCAL enable_seqscan = off');
          return ((await tx.query(`EXPLAIN ${sql}`, params)) as { 'QUERY PLAN': string }[]).map((r) => r['QUERY PLAN']).join('\n');
        })
        : ((await t.s.db.m.query(`EXPLAIN QUERY PLAN ${sql}`, params)) as { detail: string }[]).map((r) => r.detail).join('\n');
      if (process.env.SHOW_PLANS) console.log(plan);
      expect(plan).not.toMatch(db === 'postgres' ? /Seq Scan on (contacts|identities)/ : /SCAN (c|n|v|h)\b(?! USING)/);
      if (/LIKE|>=/.test(sql) && sql.includes('identities')) expect(plan).toMatch(/ix_identities_value_lower[\s\S]*ix_identities_handle_lower|ix_identities_handle_lower[\s\S]*ix_identities_value_lower/);
    }
  });
});
