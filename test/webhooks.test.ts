import { createAgent } from '../src/agents/create-agent';
import { verifyWebhook } from '../src/automation/webhooks/webhook-signature';
import { isPrivateAddress } from '../src/automation/webhooks/webhook-url';
import { OutboxItem } from '../src/db/entities';
import { webhookRepository } from '../src/db/repositories/webhook.repository';
import { AgentClient } from './helpers/agent-client';
import { DB_KINDS, apiInbox, postSigned, startTestChorus, type TestChorus } from './helpers/test-chorus';
import { webhookReceiver, type ReceivedDelivery } from './helpers/webhook-receiver';
import { until, waitFor } from './helpers/wait';

// Every webhook delivery is idle: none queued and due (a failed one waits for its retry time,
// which only moves when the test moves the clock), so each attempt has been logged.
async function idle(t: TestChorus, clock: () => number): Promise<void> {
  await t.s.bus.drain();
  await until('webhook deliveries to finish', async () => {
    const due = await t.s.db.m.getRepository(OutboxItem).createQueryBuilder('o')
      .where("o.kind = 'webhook' AND o.state = 'queued' AND o.next_attempt_at <= :now", { now: clock() }).getCount();
    return due === 0;
  });
}

const verifies = (secret: string, c: ReceivedDelivery, nowMs: number) =>
  verifyWebhook(secret, { timestamp: c.headers['x-chorus-webhook-timestamp'] as string, signature: c.headers['x-chorus-webhook-signature'] as string }, c.raw, nowMs);

describe.each(DB_KINDS)('outgoing webhooks (%s)', (db) => {
  let t: TestChorus;
  let inbox: Awaited<ReturnType<typeof apiInbox>>;
  // The service clock: held still so a retry happens when the test moves it past the backoff.
  let clock = Date.now();
  const now = () => clock;
  let n = 0;
  const newTicket = async (opts: { text?: string; visibility?: 'public' | 'private' } = {}) => {
    n++;
    const r = await postSigned(t, inbox, { externalId: `wh-${n}`, author: { id: `c${n}`, email: `c${n}@example.com`, name: 'Cleo' }, subject: `Order ${n}`, text: opts.text ?? `question ${n}`, audience: opts.visibility ?? 'private' });
    return r.body.ticketId as number;
  };
  const subscribe = async (url: string, events: string[], audience = 'staff') => {
    const r = await t.api('POST', '/api/webhooks', { url, events, audience });
    expect(r.status).toBe(201);
    return r.body as { webhook: { id: number }; secret: string };
  };
  const off = (id: number) => t.api('PATCH', `/api/webhooks/${id}`, { active: false });

  beforeAll(async () => {
    // A send timeout short enough for the hanging receiver below, long enough for a busy machine.
    t = await startTestChorus({ db, now, env: { CHORUS_WEBHOOKS_ALLOW_PRIVATE: 'true', CHORUS_SEND_TIMEOUT_MS: '4000' } });
    inbox = await apiInbox(t);
  });
  afterAll(async () => t.stop());

  it('signs each delivery with the webhook\'s secret: it verifies with that secret, not another, and the id header is the body\'s', async () => {
    const rx = await webhookReceiver();
    const { webhook, secret } = await subscribe(rx.url, ['ticket.created']);
    expect(secret).toMatch(/^whsec_/);
    const id = await newTicket();
    await idle(t, now);
    const [c] = rx.of('ticket.created');
    expect(c.body).toMatchObject({ event: 'ticket.created', webhook: { id: webhook.id, audience: 'staff' }, data: { ticket: { id, subject: `Order ${n}` } } });
    expect(c.headers['x-chorus-webhook-id']).toBe(c.body.id);
    expect(c.headers['x-chorus-webhook-event']).toBe('ticket.created');
    expect(verifies(secret, c, clock)).toBe(true);
    expect(verifies(`${secret}x`, c, clock)).toBe(false);
    expect(verifyWebhook(secret, { timestamp: c.headers['x-chorus-webhook-timestamp'] as string, signature: c.headers['x-chorus-webhook-signature'] as string }, c.raw.replace('Order', 'Odder'), clock)).toBe(false);
    // An old capture replayed later fails the timestamp check.
    expect(verifies(secret, c, clock + 10 * 60_000)).toBe(false);
    // A rotated secret signs what follows; the old one no longer verifies.
    const rotated = (await t.api('POST', `/api/webhooks/${webhook.id}/secret`)).body.secret as string;
    expect(rotated).not.toBe(secret);
    await newTicket();
    await idle(t, now);
    const later = rx.of('ticket.created')[1];
    expect([verifies(rotated, later, clock), verifies(secret, later, clock)]).toEqual([true, false]);
    // The secret never shows again.
    expect(JSON.stringify((await t.api('GET', '/api/webhooks')).body)).not.toContain(rotated);
    await off(webhook.id);
    await rx.close();
  });

  it('retries a failing receiver (HTTP 500, then a timeout) with growing backoff under one delivery id, and logs every attempt', async () => {
    const rx = await webhookReceiver([500, 'hang', 200]);
    const { webhook, secret } = await subscribe(rx.url, ['ticket.created']);
    await newTicket();
    const item = () => t.s.db.m.getRepository(OutboxItem).createQueryBuilder('o').where("o.kind = 'webhook'").orderBy('o.id', 'DESC').getOneOrFail();
    const log = async () => (await t.api('GET', `/api/webhooks/${webhook.id}/deliveries`)).body.attempts as any[];

    await idle(t, now);
    const first = await item();
    expect(first).toMatchObject({ state: 'queued', attempts: 1 });
    expect(first.nextAttemptAt - clock).toBe(10_000);
    expect((await log())[0]).toMatchObject({ attempt: 1, outcome: 'retrying', statusCode: 500, error: 'The receiver failed (HTTP 500).', nextAttemptAt: new Date(first.nextAttemptAt).toISOString() });

    clock = first.nextAttemptAt;
    t.s.outbox.poke();
    await waitFor(log, (l) => l.length >= 2);
    await idle(t, now);
    const second = await item();
    expect(second.nextAttemptAt - clock).toBe(20_000);
    expect((await log())[0]).toMatchObject({ attempt: 2, outcome: 'retrying', statusCode: null, error: 'The receiver did not answer within 4 s.' });

    clock = second.nextAttemptAt;
    t.s.outbox.poke();
    await waitFor(log, (l) => l.length >= 3);
    await idle(t, now);
    expect((await item()).state).toBe('sent');
    const attempts = await log();
    expect(attempts.map((a) => [a.attempt, a.outcome, a.statusCode, a.nextAttemptAt])).toEqual([[3, 'sent', 200, null], [2, 'retrying', null, null], [1, 'retrying', 500, null]]);
    // One delivery: the same id in every attempt's header and body, each attempt signed afresh.
    expect(rx.calls).toHaveLength(3);
    expect(new Set(rx.calls.map((c) => c.headers['x-chorus-webhook-id'])).size).toBe(1);
    expect(new Set(rx.calls.map((c) => c.body.id))).toEqual(new Set([attempts[0].deliveryId]));
    expect(verifies(secret, rx.calls[2], clock)).toBe(true);
    await off(webhook.id);
    await rx.close();
  });

  it('delivers only the events each webhook subscribed to', async () => {
    const created = await webhookReceiver();
    const messages = await webhookReceiver();
    const a = await subscribe(created.url, ['ticket.created']);
    const b = await subscribe(messages.url, ['message.created', 'ticket.updated']);
    const id = await newTicket({ text: 'first words' });
    await t.api('POST', `/api/tickets/${id}/replies`, { text: 'an answer' });
    await idle(t, now);
    expect(created.calls.map((c) => c.body.event)).toEqual(['ticket.created']);
    expect(new Set(messages.calls.map((c) => c.body.event))).toEqual(new Set(['message.created', 'ticket.updated']));
    expect(messages.of('message.created').map((c) => c.body.data.message.text).sort()).toEqual(['an answer', 'first words']);
    // Switched off: nothing more arrives.
    await off(a.webhook.id);
    await newTicket();
    await idle(t, now);
    expect(created.calls).toHaveLength(1);
    await off(b.webhook.id);
    await Promise.all([created.close(), messages.close()]);
  });

  it('a staff note reaches only a staff webhook; a public webhook gets public content of public tickets only', async () => {
    const rx = { public: await webhookReceiver(), participants: await webhookReceiver(), staff: await webhookReceiver() };
    const hooks = await Promise.all((['public', 'participants', 'staff'] as const).map((a) => subscribe(rx[a].url, ['message.created', 'ticket.created', 'ticket.updated'], a)));
    const pub = await newTicket({ visibility: 'public', text: 'PUBLIC-Q' });
    await t.api('POST', `/api/tickets/${pub}/notes`, { text: 'NOTE-ON-PUBLIC' });
    await t.api('POST', `/api/tickets/${pub}/tags`, { tag: 'vip-internal' });
    await t.api('POST', `/api/tickets/${pub}/replies`, { text: 'PUBLIC-ANSWER', audience: 'public' });
    await t.api('POST', `/api/tickets/${pub}/replies`, { text: 'PRIVATE-ANSWER', audience: 'participants' });
    const priv = await newTicket({ visibility: 'private', text: 'PRIVATE-Q' });
    await t.api('POST', `/api/tickets/${priv}/notes`, { text: 'NOTE-ON-PRIVATE' });
    await idle(t, now);
    const texts = (a: keyof typeof rx) => rx[a].of('message.created').map((c) => c.body.data.message.text).sort();
    expect(texts('public')).toEqual(['PUBLIC-ANSWER', 'PUBLIC-Q']);
    expect(texts('participants')).toEqual(['PRIVATE-ANSWER', 'PRIVATE-Q', 'PUBLIC-ANSWER', 'PUBLIC-Q']);
    expect(texts('staff')).toEqual(['NOTE-ON-PRIVATE', 'NOTE-ON-PUBLIC', 'PRIVATE-ANSWER', 'PRIVATE-Q', 'PUBLIC-ANSWER', 'PUBLIC-Q']);
    for (const a of ['public', 'participants'] as const) {
      const all = rx[a].calls.map((c) => c.raw).join('\n');
      for (const secret of ['NOTE-ON-PUBLIC', 'NOTE-ON-PRIVATE', 'vip-internal']) expect({ a, secret, leaked: all.includes(secret) }).toEqual({ a, secret, leaked: false });
      // Delivery details and thread links are staff information too.
      expect(all).not.toContain('deliveryState');
    }
    expect(rx.public.calls.map((c) => c.raw).join()).not.toContain('PRIVATE-Q');
    expect(rx.public.of('ticket.created').map((c) => c.body.data.ticket.id)).toEqual([pub]);
    expect(rx.staff.calls.map((c) => c.raw).join()).toContain('vip-internal');
    for (const h of hooks) await off(h.webhook.id);
    await Promise.all(Object.values(rx).map((r) => r.close()));
  });

  it('queues the deliveries in the change\'s own transaction: there when the change is, gone when it rolls back', async () => {
    const rx = await webhookReceiver();
    const { webhook } = await subscribe(rx.url, ['message.created', 'ticket.created']);
    const rows = () => t.s.db.m.getRepository(OutboxItem).createQueryBuilder('o').where("o.kind = 'webhook'").getCount();
    const id = await newTicket();
    // The channel answers once its ledger row is in; the ticket itself may come after.
    await idle(t, now);
    const before = await rows();
    // No waiting for any handler: the answer comes after the commit, and the row committed with it.
    await t.api('POST', `/api/tickets/${id}/replies`, { text: 'committed together' });
    expect(await rows()).toBe(before + 1);
    await expect(t.s.db.transaction(async (tx) => {
      tx.emit('ticket.created', { ticketId: id });
      throw new Error('the change failed');
    })).rejects.toThrow('the change failed');
    expect(await rows()).toBe(before + 1);
    await idle(t, now);
    expect(rx.of('message.created').map((c) => c.body.data.message.text)).toContain('committed together');
    await off(webhook.id);
    await rx.close();
  });

  it('an SLA breach reaches staff webhooks only; a CSAT rating (staff-only on the ticket) reaches staff webhooks only', async () => {
    const rx = { public: await webhookReceiver(), participants: await webhookReceiver(), staff: await webhookReceiver() };
    const hooks = await Promise.all((['public', 'participants', 'staff'] as const).map((a) => subscribe(rx[a].url, ['sla.breached', 'csat.received'], a)));
    const id = await newTicket({ visibility: 'public' });
    // As the SLA sweep and the CSAT answer publish them: after their commit.
    await t.s.db.transaction(async (tx) => {
      tx.emit('sla.breached', { ticketId: id, policyId: 7, policyName: 'VIP', target: 'first_response', dueAt: clock - 1000 });
      tx.emit('csat.received', { ticketId: id, ratingId: 3, score: 5, comment: 'Quick and kind' });
    });
    await idle(t, now);
    const events = (a: keyof typeof rx) => rx[a].calls.map((c) => c.body.event).sort();
    expect([events('public'), events('participants'), events('staff')]).toEqual([[], [], ['csat.received', 'sla.breached']]);
    expect(rx.staff.of('sla.breached')[0].body.data).toMatchObject({ ticket: { id }, sla: { policyId: 7, policy: 'VIP', target: 'first_response' } });
    expect(rx.staff.of('csat.received')[0].body.data).toMatchObject({ ticket: { id }, rating: { score: 5, comment: 'Quick and kind' } });
    for (const h of hooks) await off(h.webhook.id);
    await Promise.all(Object.values(rx).map((r) => r.close()));
  });

  it('"Send test" from the admin page delivers a signed webhook.test; the page logs it; admins only', async () => {
    const rx = await webhookReceiver([503]);
    const admin = new AgentClient(t);
    await admin.signIn(t.admin.email, t.admin.password);
    await admin.get('/admin/webhooks');
    const created = await admin.post('/admin/webhooks', { name: 'CRM', url: rx.url, events: ['ticket.created', 'sla.breached'], audience: 'participants', active: '1' });
    expect(created.status).toBe(201);
    const secret = /<p class="secret">([^<]+)<\/p>/.exec(created.html)![1];
    const hook = (await webhookRepository.list(t.s.db.m)).find((h) => h.name === 'CRM')!;
    expect(hook).toMatchObject({ events: ['ticket.created', 'sla.breached'], audience: 'participants', active: true });
    expect((await admin.get('/admin/webhooks')).html).not.toContain(secret);

    const tested = await admin.post(`/admin/webhooks/${hook.id}/test`, {});
    expect(tested.location).toMatch(new RegExp(`^/admin/webhooks/${hook.id}\\?tested=`));
    await idle(t, now);
    const page = await admin.get(`/admin/webhooks/${hook.id}`);
    expect(page.html).toContain('HTTP 503');
    expect(page.html).toContain('The receiver failed (HTTP 503).');
    expect(page.html).toContain('Next try at');
    const retry = await t.s.db.m.getRepository(OutboxItem).createQueryBuilder('o').where("o.kind = 'webhook'").orderBy('o.id', 'DESC').getOneOrFail();
    clock = retry.nextAttemptAt;
    t.s.outbox.poke();
    await waitFor(() => Promise.resolve(rx.calls.length), (k) => k >= 2);
    await idle(t, now);
    expect(rx.calls.map((c) => c.body.event)).toEqual(['webhook.test', 'webhook.test']);
    expect(verifies(secret, rx.calls[1], clock)).toBe(true);
    expect((await admin.get(`/admin/webhooks/${hook.id}`)).html).toMatch(/<span class="badge">sent<\/span>/);

    // A bad form names the field and keeps what was typed.
    const bad = await admin.post('/admin/webhooks', { name: 'Bad', url: 'ftp://files.example.com/x', audience: 'public' });
    expect(bad.status).toBe(422);
    expect(bad.html).toContain('Choose at least one event.');
    const badUrl = await admin.post('/admin/webhooks', { name: 'Bad', url: 'ftp://files.example.com/x', events: ['ticket.created'], audience: 'public' });
    expect(badUrl.status).toBe(400);
    expect(badUrl.html).toContain('Only http:// and https:// URLs');
    expect(badUrl.html).toContain('value="ftp://files.example.com/x"');

    // Edit: switch off from the form (unchecked box), rotate, delete.
    expect((await admin.post(`/admin/webhooks/${hook.id}`, { name: 'CRM', url: rx.url, events: ['ticket.created'], audience: 'staff' })).location).toBe('/admin/webhooks');
    expect(await webhookRepository.findById(t.s.db.m, hook.id)).toMatchObject({ active: false, audience: 'staff', events: ['ticket.created'] });
    const rotated = await admin.post(`/admin/webhooks/${hook.id}/secret`, {});
    expect(/<p class="secret">([^<]+)<\/p>/.exec(rotated.html)![1]).not.toBe(secret);
    expect((await admin.post(`/admin/webhooks/${hook.id}/delete`, {})).location).toBe('/admin/webhooks');
    expect(await webhookRepository.findById(t.s.db.m, hook.id)).toBeNull();

    await createAgent(t.s.db, Date.now(), { email: `plain-${db}@chorus.test`, name: 'Plain', password: 'plain-password', role: 'agent' });
    const plain = new AgentClient(t);
    await plain.signIn(`plain-${db}@chorus.test`, 'plain-password');
    expect((await plain.get('/admin/webhooks')).status).toBe(403);
    const plainToken = await t.s.sessions.createApiToken((await createAgent(t.s.db, Date.now(), { email: `plain2-${db}@chorus.test`, name: 'Plain 2', password: 'plain-password', role: 'agent' })).id, 'x');
    expect((await t.api('GET', '/api/webhooks', undefined, plainToken)).status).toBe(403);
    expect((await t.api('POST', '/api/webhooks', { url: rx.url, events: ['ticket.created'], audience: 'staff' }, plainToken)).status).toBe(403);
    await rx.close();
  });

  it('refuses non-http(s) URLs and unknown events, naming the field; the API is in the OpenAPI document', async () => {
    for (const url of ['ftp://x.example.com/', 'file:///etc/passwd', 'gopher://x.example.com', 'javascript:alert(1)', 'not a url']) {
      const r = await t.api('POST', '/api/webhooks', { url, events: ['ticket.created'], audience: 'public' });
      expect({ url, status: r.status, field: Object.keys(r.body.error.details?.fields ?? {}) }).toEqual({ url, status: 400, field: ['url'] });
    }
    const ev = await t.api('POST', '/api/webhooks', { url: 'https://x.example.com/', events: ['ticket.deleted'], audience: 'public' });
    expect(ev.status).toBe(400);
    expect(ev.body.error.message).toMatch(/events/);
    const doc = (await t.api('GET', '/api/openapi.json')).body;
    for (const p of ['/api/webhooks', '/api/webhooks/{id}', '/api/webhooks/{id}/secret', '/api/webhooks/{id}/test', '/api/webhooks/{id}/deliveries']) expect(Object.keys(doc.paths)).toContain(p);
  });
});

describe('webhooks to private addresses (not allowed by default)', () => {
  let t: TestChorus;
  beforeAll(async () => {
    t = await startTestChorus();
  });
  afterAll(async () => t.stop());

  it('refuses loopback, private and link-local URLs at creation, and a name that resolves to one at send time', async () => {
    for (const url of ['http://127.0.0.1:8080/x', 'http://localhost/x', 'http://10.1.2.3/', 'http://169.254.169.254/latest/meta-data', 'http://[::1]/', 'http://[::ffff:127.0.0.1]/', 'http://192.168.0.10/']) {
      const r = await t.api('POST', '/api/webhooks', { url, events: ['ticket.created'], audience: 'staff' });
      expect({ url, status: r.status, message: r.body.error?.message }).toEqual({ url, status: 400, message: expect.stringContaining('CHORUS_WEBHOOKS_ALLOW_PRIVATE') });
    }
    // Stored behind the check's back (as if its name had pointed elsewhere when it was typed).
    const rx = await webhookReceiver();
    const id = await t.s.db.write((m) => webhookRepository.insert(m, { name: 'sneaky', url: `http://localhost:${rx.port}/hook`, events: ['ticket.created'], audience: 'staff', secret: 's', active: true, createdBy: null, createdAt: Date.now(), updatedAt: Date.now() }));
    await t.api('POST', `/api/webhooks/${id}/test`);
    const log = await waitFor(async () => (await t.api('GET', `/api/webhooks/${id}/deliveries`)).body.attempts as any[], (l) => l.length > 0);
    expect(log[0]).toMatchObject({ outcome: 'failed', statusCode: null, error: expect.stringContaining('private address') });
    expect(rx.calls).toHaveLength(0);
    await rx.close();
  });

  it('knows which addresses are private', () => {
    expect(['127.0.0.1', '10.0.0.1', '172.16.5.4', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fd00::1', 'fe80::1', '::ffff:10.0.0.1'].filter((a) => !isPrivateAddress(a))).toEqual([]);
    expect(['93.184.216.34', '8.8.8.8', '2606:4700::1111', '172.32.0.1'].filter((a) => isPrivateAddress(a))).toEqual([]);
  });
});
