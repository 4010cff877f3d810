import { createAgent } from '../src/agents/create-agent';
import { verifyChains } from '../src/archive/chain/verify-chain';
import { legalHoldRepository } from '../src/db/repositories/legal-hold.repository';
import { ticketEventRepository } from '../src/db/repositories/ticket-event.repository';
import { ticketRepository } from '../src/db/repositories/ticket.repository';
import { createInbox } from '../src/inboxes/create-inbox';
import { AgentClient } from './helpers/agent-client';
import { DB_KINDS, postRawEmail, startTestChorus, type TestChorus } from './helpers/test-chorus';
import { signInByLink } from './helpers/web-client';

const mail = (id: string, from: string) => [`From: Hal Held <${from}>`, 'To: help@hold.test', 'Subject: Contract dispute', `Message-ID: <${id}@example.com>`, '', 'Please keep this.', ''].join('\r\n');

// Legal holds: admins place and lift them with a reason; the hold row is the audit, a held
// ticket's history and page say so too; activeFor finds a hold through the ticket, its
// requester or its inbox; nobody else may see or change them.
describe.each(DB_KINDS)('legal holds (%s)', (db) => {
  let t: TestChorus;
  let inboxId: number;
  let ticketId: number;

  beforeAll(async () => {
    t = await startTestChorus({ db });
    inboxId = (await createInbox(t.s.db, Date.now(), { name: 'Hold desk', channel: 'email', address: 'help@hold.test', settings: {} })).id;
    ticketId = (await postRawEmail(t, inboxId, mail('h1', 'hal@example.com'))).ticketId;
  });
  afterAll(() => t.stop());

  it('places and lifts a ticket hold with reasons, audited on the ticket and in the chain', async () => {
    const noReason = await t.api('POST', '/api/holds', { scope: 'ticket', targetId: ticketId, reason: '  ' });
    expect(noReason.status).toBe(400);
    expect((await t.api('POST', '/api/holds', { scope: 'ticket', targetId: 999999, reason: 'x' })).status).toBe(404);
    const placed = await t.api('POST', '/api/holds', { scope: 'ticket', targetId: ticketId, reason: 'Litigation Acme v. Hal' });
    expect(placed.status).toBe(201);
    expect(placed.body.hold).toMatchObject({ scope: 'ticket', targetId: ticketId, active: true, createdBy: t.admin.id, createdByName: 'Ada Admin' });
    const ticket = (await ticketRepository.findById(t.s.db.m, ticketId))!;
    expect((await legalHoldRepository.activeFor(t.s.db.m, { ticketIds: [ticketId] })).map((h) => h.id)).toEqual([placed.body.hold.id]);
    expect(await legalHoldRepository.activeFor(t.s.db.m, { contactIds: [ticket.requesterId], inboxIds: [inboxId] })).toEqual([]);

    const page = await (await fetch(`${t.url}/tickets/${ticketId}`, { headers: { authorization: `Bearer ${t.admin.token}` } })).text();
    expect(page).toMatch(/On legal hold since <time[^>]*>[^<]+<\/time>: Litigation Acme v. Hal/);
    expect(page).toContain('Legal hold placed: Litigation Acme v. Hal');

    const id = placed.body.hold.id;
    expect((await t.api('POST', `/api/holds/${id}/release`, {})).status).toBe(400);
    const lifted = await t.api('POST', `/api/holds/${id}/release`, { reason: 'Case settled' });
    expect(lifted.status).toBe(200);
    expect(lifted.body.hold).toMatchObject({ active: false, releasedBy: t.admin.id, releaseReason: 'Case settled' });
    expect((await t.api('POST', `/api/holds/${id}/release`, { reason: 'again' })).status).toBe(409);
    expect(await legalHoldRepository.activeFor(t.s.db.m, { ticketIds: [ticketId] })).toEqual([]);
    const events = (await ticketEventRepository.listByTicket(t.s.db.m, ticketId)).filter((e) => e.type.startsWith('hold.'));
    expect(events.map((e) => [e.type, e.actorId, e.data!.reason])).toEqual([['hold.placed', t.admin.id, 'Litigation Acme v. Hal'], ['hold.released', t.admin.id, 'Case settled']]);
    expect((await verifyChains(t.s.db.m)).problems).toEqual([]);
    const list = await t.api('GET', '/api/holds');
    expect(list.body.holds.find((h: { id: number }) => h.id === id)).toMatchObject({ active: false, releaseReason: 'Case settled' });
  });

  it('covers a ticket through its requester or its inbox; the admin page places and lifts with a confirmation', async () => {
    const ticket = (await ticketRepository.findById(t.s.db.m, ticketId))!;
    const admin = new AgentClient(t);
    await admin.signIn(t.admin.email, t.admin.password);
    expect((await admin.post('/admin/holds', { scope: 'contact', targetId: String(ticket.requesterId), reason: '' })).status).toBe(422);
    expect((await admin.post('/admin/holds', { scope: 'contact', targetId: String(ticket.requesterId), reason: 'Access request pending' })).status).toBe(303);
    expect((await admin.post('/admin/holds', { scope: 'inbox', targetId: String(inboxId), reason: 'Regulator audit' })).status).toBe(303);
    const holds = await legalHoldRepository.activeFor(t.s.db.m, { ticketIds: [ticketId], contactIds: [ticket.requesterId], inboxIds: [inboxId] });
    expect(holds.map((h) => h.scope).sort()).toEqual(['contact', 'inbox']);
    const page = await admin.get('/admin/holds');
    expect(page.html).toContain('Access request pending');
    expect(page.html).toContain('Regulator audit');
    const ticketPage = await admin.get(`/tickets/${ticketId}`);
    expect(ticketPage.html).toMatch(/On legal hold \(its requester\) since .*Access request pending/);
    expect(ticketPage.html).toMatch(/On legal hold \(its inbox\) since .*Regulator audit/);

    const contactHold = holds.find((h) => h.scope === 'contact')!;
    const unconfirmed = await admin.post(`/admin/holds/${contactHold.id}/release`, { reason: 'done' });
    expect(unconfirmed.status).toBe(422);
    expect(unconfirmed.html).toContain('tick the box to confirm');
    expect((await legalHoldRepository.findById(t.s.db.m, contactHold.id))!.releasedAt).toBeNull();
    expect((await admin.post(`/admin/holds/${contactHold.id}/release`, { reason: 'Request answered', confirm: '1' })).status).toBe(303);
    const after = await admin.get('/admin/holds');
    expect(after.html).toMatch(/Access request pending<\/td><td>[^<]+ by Ada Admin<\/td><td>[^<]+ by Ada Admin<\/td><td>Request answered/);
  });

  it('is for admins only: an agent is refused, a customer is not told it exists', async () => {
    const plain = await createAgent(t.s.db, Date.now(), { email: `plain-hold-${db}@chorus.test`, name: 'Plain', password: 'plain-password', role: 'agent' });
    const token = await t.s.sessions.createApiToken(plain.id, 'x');
    expect((await t.api('GET', '/api/holds', undefined, token)).status).toBe(403);
    expect((await t.api('POST', '/api/holds', { scope: 'ticket', targetId: ticketId, reason: 'x' }, token)).status).toBe(403);
    expect((await t.api('POST', '/api/holds/1/release', { reason: 'x' }, token)).status).toBe(403);
    const agent = new AgentClient(t);
    await agent.signIn(plain.email, 'plain-password');
    expect((await agent.get('/admin/holds')).status).toBe(403);
    expect((await fetch(`${t.url}/api/holds`)).status).toBe(401);
    const customer = await signInByLink(t, 'hal@example.com');
    expect((await customer.get('/api/holds')).status).toBe(404);
    expect((await customer.get('/admin/holds')).status).toBe(404);
    expect((await customer.form('/admin/holds', { scope: 'ticket', targetId: String(ticketId), reason: 'x' })).status).toBe(404);
    const doc = (await t.api('GET', '/api/openapi.json')).body;
    for (const p of ['/api/holds', '/api/holds/{id}/release']) expect(Object.keys(doc.paths)).toContain(p);
  });
});
