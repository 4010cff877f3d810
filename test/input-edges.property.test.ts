import fc from 'fast-check';
import { AgentClient } from './helpers/agent-client';
import { DB_KINDS, apiInbox, postSigned, startTestChorus, type TestChorus } from './helpers/test-chorus';

// Every input is valid or a 4xx: random strings and bytes (control characters, lone surrogates,
// broken percent-escapes, FTS and tsquery syntax) thrown at the query and body edges never make
// Chorus answer 5xx, and no answer ever carries a stack trace.
const STACK = /\n\s+at |node_modules|\.ts:\d+/;

// Raw bytes percent-encoded one by one (so %00, %ff and broken UTF-8 reach the server as sent),
// mixed with unicode strings that include control characters.
const byteString = fc.uint8Array({ minLength: 0, maxLength: 24 }).map((b) => [...b].map((x) => `%${x.toString(16).padStart(2, '0')}`).join(''));
const textString = fc.oneof(fc.string({ unit: 'binary', maxLength: 24 }), fc.constantFrom('\u0000\u0001', '"*(', 'a:* & !', "'; DROP", 'NEAR(a b)', '\ud800', '%', '%E0%A4%A')).map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, '\ufffd')));
const queryValue = fc.oneof(byteString, textString);

describe.each(DB_KINDS)('random input at the edges (%s)', (db) => {
  let t: TestChorus;
  let agent: AgentClient;
  beforeAll(async () => {
    t = await startTestChorus({ db });
    const inbox = await apiInbox(t);
    await postSigned(t, inbox, { externalId: 'e1', threadKey: 'p', author: { id: 'a' }, text: 'Printer jams on page two', audience: 'public' });
    agent = new AgentClient(t);
    await agent.signIn(t.admin.email, t.admin.password);
  });
  afterAll(async () => t.stop());

  const fetchRaw = async (p: string, init: RequestInit = {}) => {
    const res = await fetch(t.url + p, { redirect: 'manual', ...init });
    return { status: res.status, text: await res.text() };
  };

  it('answers every search and list query below 500, without a stack trace', async () => {
    await fc.assert(
      fc.asyncProperty(queryValue, fc.constantFrom('anon', 'token', 'page'), async (q, who) => {
        const paths = ['/api/search?q=', '/api/search?limit=2&q=', '/community?q=', '/community?tag=', '/api/contacts?q=', '/search?q=', '/inbox?tag=', '/inbox?cursor=', '/login?next=', '/signin?next='];
        for (const p of paths) {
          const headers: Record<string, string> = who === 'token' ? { authorization: `Bearer ${t.admin.token}` } : who === 'page' ? { cookie: agent.cookie, accept: 'text/html' } : {};
          const r = await fetchRaw(p + q, { headers });
          if (r.status >= 500 || STACK.test(r.text)) throw new Error(`${who} ${p}${q} → ${r.status} ${r.text.slice(0, 300)}`);
        }
      }),
      { numRuns: 30 },
    );
  }, 180_000);

  it('answers JSON bodies whose strings hold control characters below 500, naming the field', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 30 }), async (text) => {
        const fields = { text: `${text}\u0000`, email: `${text}@x.test`, password: text, name: text };
        for (const p of ['/api/auth/login', '/api/tickets/1/notes', '/api/agents']) {
          const r = await fetchRaw(p, { method: 'POST', body: JSON.stringify(fields), headers: { 'content-type': 'application/json', authorization: `Bearer ${t.admin.token}` } });
          if (r.status >= 500 || STACK.test(r.text)) throw new Error(`POST ${p} ${JSON.stringify(fields)} → ${r.status} ${r.text.slice(0, 300)}`);
        }
      }),
      { numRuns: 25 },
    );
    const r = await t.api('POST', '/api/tickets/1/notes', { text: 'a\u0000b' });
    expect(r.status).toBe(400);
    expect(r.body.error.details.fields.text[0]).toMatch(/NUL/);
  }, 180_000);

  it('answers random path ids and JSON bodies below 500, without a stack trace', async () => {
    await fc.assert(
      fc.asyncProperty(queryValue, fc.string({ unit: 'binary', maxLength: 40 }), async (id, body) => {
        for (const p of [`/api/tickets/${id}`, `/t/${id}`, `/tickets/${id}`, `/community/${id}`, `/api/attachments/${id}`]) {
          const r = await fetchRaw(p, { headers: { authorization: `Bearer ${t.admin.token}` } });
          if (r.status >= 500 || STACK.test(r.text)) throw new Error(`GET ${p} → ${r.status} ${r.text.slice(0, 300)}`);
        }
        for (const p of ['/api/auth/login', '/api/tickets/1/notes', '/api/forms/nope/submissions']) {
          const r = await fetchRaw(p, { method: 'POST', body, headers: { 'content-type': 'application/json', authorization: `Bearer ${t.admin.token}` } });
          if (r.status >= 500 || STACK.test(r.text)) throw new Error(`POST ${p} ${JSON.stringify(body)} → ${r.status} ${r.text.slice(0, 300)}`);
        }
      }),
      { numRuns: 20 },
    );
  }, 180_000);
});

describe('the error handler', () => {
  let t: TestChorus;
  beforeAll(async () => {
    // A route whose error cannot even be read: the error handler itself fails on it.
    t = await startTestChorus({
      modules: [{
        name: 'broken',
        routes: (r) => {
          r.get('/api/broken', () => { throw new Error('internal detail /src/secret.ts:12'); });
          r.get('/broken', () => { throw new Proxy({}, { get: () => { throw new Error('unreadable error'); } }); });
        },
      }],
    });
  });
  afterAll(async () => t.stop());

  it('never sends a stack trace or an internal message, in any environment', async () => {
    const before = process.env.NODE_ENV;
    process.env.NODE_ENV = 'development';
    t.app.set('env', 'development');
    try {
      for (const [p, accept] of [['/api/broken', 'application/json'], ['/broken', 'text/html'], ['/broken', 'application/json']]) {
        const res = await fetch(t.url + p, { headers: { accept } });
        const text = await res.text();
        expect(res.status).toBe(500);
        expect(text).not.toMatch(STACK);
        expect(text).not.toMatch(/secret|unreadable/);
      }
    } finally {
      process.env.NODE_ENV = before;
    }
  });
});
