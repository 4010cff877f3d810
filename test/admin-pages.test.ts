import { createAgent } from '../src/agents/create-agent';
import { API_RAW_TYPE } from '../src/channels/api/api.adapter';
import { inboundItemRepository } from '../src/db/repositories/inbound-item.repository';
import { AgentClient } from './helpers/agent-client';
import { apiInbox, postSigned, startTestChorus, type TestChorus } from './helpers/test-chorus';

describe('Admin pages and canned responses', () => {
  let t: TestChorus;
  let admin: AgentClient;

  beforeAll(async () => {
    // No background workers: the start-up replay would otherwise race the page's Replay button.
    t = await startTestChorus({ env: { CHORUS_WORKERS: 'false' } });
    admin = new AgentClient(t);
    await admin.signIn(t.admin.email, t.admin.password);
  });
  afterAll(async () => t?.stop());

  it('only admins get in: anonymous visitors are sent to sign in, agents get 403', async () => {
    expect((await new AgentClient(t).get('/admin/agents')).location).toBe('/login?next=%2Fadmin%2Fagents');
    await createAgent(t.s.db, Date.now(), { email: 'plain@chorus.test', name: 'Plain Agent', password: 'plain-password', role: 'agent' });
    const plain = new AgentClient(t);
    await plain.signIn('plain@chorus.test', 'plain-password');
    for (const p of ['/admin/agents', '/admin/inboxes', '/admin/canned', '/admin/ingest']) expect((await plain.get(p)).status).toBe(403);
    expect((await plain.post('/admin/agents', { name: 'Eve', email: 'eve@chorus.test', role: 'admin' })).status).toBe(403);
    expect((await admin.get('/admin')).location).toBe('/admin/agents');
  });

  it('adds an agent who can then sign in; a bad form keeps the values and names the field; CSRF is required', async () => {
    const bad = await admin.post('/admin/agents', { name: 'Gil', email: 'not-mail', role: 'agent' });
    expect(bad.status).toBe(422);
    expect(bad.html).toContain('Enter a valid e-mail address.');
    expect(bad.html).toContain('value="not-mail"');
    expect((await admin.post('/admin/agents', { name: 'Gil', email: 'gil@chorus.test', role: 'agent', password: 'gil-password' }, { csrf: false })).status).toBe(403);
    const ok = await admin.post('/admin/agents', { name: 'Gil', email: 'gil@chorus.test', role: 'agent', password: 'gil-password' });
    expect(ok.location).toBe('/admin/agents');
    const gil = new AgentClient(t);
    await gil.signIn('gil@chorus.test', 'gil-password');
    expect((await gil.get('/inbox')).status).toBe(200);
    const dup = await admin.post('/admin/agents', { name: 'Gil 2', email: 'gil@chorus.test', role: 'agent' });
    expect(dup.status).toBe(409);
    // Away and cap from the table; round-robin reads them.
    const gilId = (await t.api('GET', '/api/agents')).body.agents.find((a: any) => a.email === 'gil@chorus.test').id;
    await admin.post(`/admin/agents/${gilId}`, { role: 'agent', maxOpen: '5', away: '1', active: '1' });
    const listed = (await t.api('GET', '/api/agents')).body.agents.find((a: any) => a.id === gilId);
    expect(listed).toMatchObject({ away: true, active: true });
    const team = await admin.post('/admin/teams', { name: 'Billing', agentIds: [String(gilId)] });
    expect(team.location).toBe('/admin/agents');
    expect((await admin.get('/admin/agents')).html).toMatch(/Billing<\/strong><\/td><td>Gil/);
  });

  it('shows an inbox secret exactly once, at creation', async () => {
    const created = await admin.post('/admin/inboxes', { name: 'Partner feed', channel: 'api', address: '', settings: '' });
    expect(created.status).toBe(201);
    const secret = /<p class="secret">([^<]+)<\/p>/.exec(created.html)![1];
    expect(secret.length).toBeGreaterThan(20);
    expect(created.html).toContain('shown once');
    const later = await admin.get('/admin/inboxes');
    expect(later.html).toContain('Partner feed');
    expect(later.html).not.toContain(secret);
    // The secret works: a signed post is accepted.
    const inboxId = Number(/\/api\/inboxes\/(\d+)\/messages/.exec(created.html)![1]);
    const post = await postSigned(t, { id: inboxId, secret }, { externalId: 'x1', author: { id: 'p1' }, text: 'hello' });
    expect(post.status).toBe(202);
    const badJson = await admin.post('/admin/inboxes', { name: 'Bot', channel: 'telegram', settings: '{botToken: 1' });
    expect(badJson.status).toBe(422);
    expect(badJson.html).toContain('Settings must be JSON');
  });

  it('an SLA policy added on the SLA page makes new tickets of its inbox due; the first answer clears it', async () => {
    const inbox = await apiInbox(t);
    expect((await admin.post(`/admin/inboxes/${inbox.id}`, { roundRobin: '1' })).location).toBe('/admin/inboxes');
    const bad = await admin.post('/admin/sla', { name: 'Ninety', inboxIds: String(inbox.id), firstResponseMinutes: '0', enabled: '1' });
    expect(bad.status).toBe(422);
    expect(bad.html).toMatch(/name="firstResponseMinutes" value="0"[^>]*><span class="field-error">The first-response target must be at least 1 minute/);
    expect((await admin.post('/admin/sla', { name: 'Ninety', inboxIds: String(inbox.id), firstResponseMinutes: 'soon', enabled: '1' })).html).toContain('The first-response target must be a whole number.');
    const r = await admin.post('/admin/sla', { name: 'Ninety', inboxIds: String(inbox.id), firstResponseMinutes: '90', warnBeforeMinutes: '10', enabled: '1' });
    expect(r.location).toBe('/admin/sla');
    expect((await admin.get('/admin/sla')).html).toContain(`inbox ${inbox.name}`);
    const listed = (await t.api('GET', '/api/inboxes')).body.inboxes.find((i: any) => i.id === inbox.id);
    expect(listed).toMatchObject({ roundRobin: true, calendarId: null });
    const q = (await postSigned(t, inbox, { externalId: 'sla-1', author: { id: 's1', name: 'Sol' }, subject: 'Urgent-ish', text: 'help' })).body;
    const ticket = (await t.api('GET', `/api/tickets/${q.ticketId}`)).body.ticket;
    expect(Date.parse(ticket.slaDueAt) - Date.parse(ticket.createdAt)).toBe(90 * 60_000);
    expect(ticket.slaTarget).toBe('first_response');
    const bySla = await admin.get(`/inbox?view=all&inbox=${inbox.id}&sort=sla`);
    expect(bySla.html).toMatch(/class="pill sla" title="First-response target">due in 1h (29|30)m</);
    await t.api('POST', `/api/tickets/${q.ticketId}/replies`, { text: 'On it.' });
    expect((await t.api('GET', `/api/tickets/${q.ticketId}`)).body.ticket.slaDueAt).toBeNull();
    expect((await admin.get(`/tickets/${q.ticketId}`)).html).not.toContain('First-response target');
    const id = (await t.api('GET', '/api/sla-policies')).body.slaPolicies.find((p: any) => p.name === 'Ninety').id;
    expect((await admin.post(`/admin/sla/${id}/delete`, {})).location).toBe('/admin/sla');
  });

  it('business-hour calendars are made on their page, with errors naming the field, and an inbox uses one', async () => {
    const inbox = await apiInbox(t);
    const bad = await admin.post('/admin/calendars', { name: 'Office', timeZone: 'Mars/Base', hours_mon: '9-17' });
    expect(bad.status).toBe(422);
    expect(bad.html).toContain('Unknown time zone');
    const badHours = await admin.post('/admin/calendars', { name: 'Office', timeZone: 'Europe/Berlin', hours_mon: '9am-17:00' });
    expect(badHours.html).toMatch(/name="hours_mon" value="9am-17:00"[^>]*><span class="field-error">Use a time of day as HH:MM/);
    const ok = await admin.post('/admin/calendars', { name: 'Office', timeZone: 'Europe/Berlin', hours_mon: '09:00-12:00, 13:00-17:00', hours_fri: '09:00-15:00', holidays: '2026-12-24 09:00-12:00 Christmas Eve\n2026-12-25 Christmas Day' });
    expect(ok.location).toBe('/admin/calendars');
    const cal = (await t.api('GET', '/api/calendars')).body.calendars.find((c: any) => c.name === 'Office');
    expect(cal).toMatchObject({ timeZone: 'Europe/Berlin', weekly: { mon: [{ from: '09:00', to: '12:00' }, { from: '13:00', to: '17:00' }], fri: [{ from: '09:00', to: '15:00' }] },
      holidays: [{ date: '2026-12-24', name: 'Christmas Eve', open: [{ from: '09:00', to: '12:00' }] }, { date: '2026-12-25', name: 'Christmas Day' }] });
    expect((await admin.get(`/admin/calendars?edit=${cal.id}`)).html).toContain('2026-12-24 09:00-12:00 Christmas Eve');
    expect((await admin.post(`/admin/inboxes/${inbox.id}`, { calendarId: String(cal.id) })).location).toBe('/admin/inboxes');
    expect((await t.api('GET', '/api/inboxes')).body.inboxes.find((i: any) => i.id === inbox.id).calendarId).toBe(cal.id);
    expect((await admin.get('/admin/inboxes')).html).toContain(`<option value="${cal.id}" selected>Office</option>`);
    const api = await t.api('POST', '/api/calendars', { name: 'X', timeZone: 'Europe/Berlin', weekly: { mon: [{ from: '25:00', to: '17:00' }] } });
    expect(api.status).toBe(400);
    expect(JSON.stringify(api.body)).toContain('weekly.mon.0.from');
  });

  it('sets on the inbox page whether a reply to a closed ticket reopens it or opens a linked follow-up', async () => {
    const inbox = await apiInbox(t);
    const page = await admin.get('/admin/inboxes');
    expect(page.html).toContain(`aria-label="What a reply to a closed ticket of ${inbox.name} does"`);
    const first = (await postSigned(t, inbox, { externalId: 'cl-1', threadKey: 'conv-cl', author: { id: 'c1', name: 'Cleo' }, subject: 'Closed?', text: 'one' })).body;
    await t.api('PATCH', `/api/tickets/${first.ticketId}`, { status: 'closed' });
    expect((await admin.get(`/tickets/${first.ticketId}`)).html).toContain('opens a follow-up linked to it');
    const follow = (await postSigned(t, inbox, { externalId: 'cl-2', threadKey: 'conv-cl', author: { id: 'c1', name: 'Cleo' }, text: 'two' })).body;
    expect(follow.ticketId).not.toBe(first.ticketId);
    expect((await t.api('GET', `/api/tickets/${follow.ticketId}`)).body.ticket.followUpOfId).toBe(first.ticketId);

    expect((await admin.post(`/admin/inboxes/${inbox.id}`, { closedReplies: 'reopen', followUpDays: '10' })).location).toBe('/admin/inboxes');
    expect((await admin.post(`/admin/inboxes/${inbox.id}`, { closedReplies: 'drop' })).status).toBe(400);
    expect((await t.api('GET', '/api/inboxes')).body.inboxes.find((i: any) => i.id === inbox.id)).toMatchObject({ closedReplies: 'reopen', followUpDays: 10 });
    expect((await admin.get('/admin/inboxes')).html).toMatch(/<option value="reopen" selected>/);
    await t.api('PATCH', `/api/tickets/${follow.ticketId}`, { status: 'closed' });
    expect((await admin.get(`/tickets/${follow.ticketId}`)).html).toContain('reopens it (within 10 days');
    const back = (await postSigned(t, inbox, { externalId: 'cl-3', threadKey: 'conv-cl', author: { id: 'c1', name: 'Cleo' }, text: 'three' })).body;
    expect(back.ticketId).toBe(follow.ticketId);
    expect((await t.api('GET', `/api/tickets/${follow.ticketId}`)).body.ticket.status).toBe('open');
    expect((await admin.get(`/tickets/${follow.ticketId}`)).html).toContain(`Status closed → open (reopened: customer replied to closed #${follow.ticketId})`);
  });

  it('canned responses: created by admins, filled in for a ticket', async () => {
    const bad = await admin.post('/admin/canned', { title: '', body: 'x' });
    expect(bad.status).toBe(422);
    expect(bad.html).toContain('Give the response a title');
    expect((await admin.post('/admin/canned', { title: 'Thanks', body: 'Hi {{requester.first_name}}, ticket #{{ticket.number}} is solved. — {{agent.name}}' })).location).toBe('/admin/canned');
    expect((await admin.post('/admin/canned', { title: 'Thanks', body: 'again' })).status).toBe(409);
    const list = await t.api('GET', '/api/canned-responses');
    const id = list.body.cannedResponses.find((c: any) => c.title === 'Thanks').id;
    const inbox = await apiInbox(t);
    const q = (await postSigned(t, inbox, { externalId: 'cr-1', author: { id: 'r1', name: 'Rita Moreno' }, subject: 'Help', text: 'please' })).body;
    const filled = await t.api('GET', `/api/tickets/${q.ticketId}/canned-responses/${id}`);
    expect(filled.body.text).toBe(`Hi Rita, ticket #${q.ticketId} is solved. — Ada Admin`);
    expect((await admin.get(`/tickets/${q.ticketId}`)).html).toContain('<option value="' + id + '">Thanks</option>');
    expect((await admin.post(`/admin/canned/${id}/delete`, {})).location).toBe('/admin/canned');
    expect((await t.api('GET', `/api/tickets/${q.ticketId}/canned-responses/${id}`)).status).toBe(404);
  });

  it('lists failed ledger items and replays one from the page', async () => {
    const inbox = await apiInbox(t);
    const raw = JSON.stringify({ externalId: 'lost-1', author: { id: 'z1', name: 'Zed' }, subject: 'Kept in the ledger', text: 'This was accepted before the failure.' });
    const itemId = await t.s.db.write((m) => inboundItemRepository.insert(m, {
      inboxId: inbox.id, channel: 'api', idempotencyKey: 'api:lost-1', state: 'failed', error: 'process: database was locked', raw, rawType: API_RAW_TYPE,
      ticketId: null, messageId: null, flags: null, attempts: 1, receivedAt: Date.now(), processedAt: null,
    }));
    const page = await admin.get('/admin/ingest');
    expect(page.html).toContain('database was locked');
    const replay = await admin.post(`/admin/ingest/${itemId}/replay`, {});
    expect(replay.location).toBe(`/admin/ingest?replayed=${itemId}&outcome=processed`);
    expect((await admin.get(replay.location!)).html).toContain(`Item ${itemId} replayed: processed.`);
    expect((await admin.get('/admin/ingest')).html).not.toContain('database was locked');
    const item = await inboundItemRepository.findById(t.s.db.m, itemId);
    expect(item?.ticketId).toBeGreaterThan(0);
  });
});
