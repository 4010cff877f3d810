import { createAgent } from '../src/agents/create-agent';
import { OutboxItem } from '../src/db/entities';
import { messageRepository } from '../src/db/repositories/message.repository';
import { ticketEventRepository } from '../src/db/repositories/ticket-event.repository';
import { ticketRepository } from '../src/db/repositories/ticket.repository';
import { createInbox } from '../src/inboxes/create-inbox';
import { AgentClient } from './helpers/agent-client';
import { apiInbox, DB_KINDS, postRawEmail, postSigned, startTestChorus, type TestChorus } from './helpers/test-chorus';

// Macros: an admin writes one in a plain form; an agent applies it from the ticket page (no
// script), the bulk bar or the API. Each action goes through its ticket command, each change
// names the macro, and the canned reply leaves through the outbox to the audience it states.
describe.each(DB_KINDS)('macros (%s)', (db) => {
  let t: TestChorus;
  let admin: AgentClient;
  let bo: { id: number };
  let mail: Awaited<ReturnType<typeof createInbox>>;
  let api: Awaited<ReturnType<typeof apiInbox>>;
  let cannedId: number;
  let n = 0;

  const mailIn = async (subject: string) => {
    const r = await postRawEmail(t, mail.id, `From: Grace <grace@example.com>\r\nTo: support@acme.test\r\nSubject: ${subject}\r\nMessage-ID: <m${++n}-${db}@example.com>\r\n\r\nMy parcel is late.\r\n`);
    return r.ticketId;
  };
  const publicPost = async (text: string) => {
    const r = await postSigned(t, api, { externalId: `p-${++n}`, threadKey: `pub-${n}`, audience: 'public', author: { id: `u-${n}`, name: 'Lin' }, text });
    return r.body.ticketId as number;
  };
  const causes = async (ticketId: number) => (await ticketEventRepository.listByTicket(t.s.db.m, ticketId)).filter((e) => e.cause).map((e) => [e.type, e.cause!.kind, e.cause!.name]);

  beforeAll(async () => {
    // Nothing is sent: the outbox keeps what the macro queued for the assertions.
    t = await startTestChorus({ db, env: { CHORUS_WORKERS: 'false' } });
    mail = await createInbox(t.s.db, Date.now(), { name: 'Support', channel: 'email', address: 'support@acme.test' });
    api = await apiInbox(t, { callbackUrl: 'http://127.0.0.1:9/hook' });
    bo = await createAgent(t.s.db, Date.now(), { email: 'bo@chorus.test', name: 'Bo Berg', password: 'bo-password', role: 'agent' });
    cannedId = (await t.api('POST', '/api/canned-responses', { title: 'Late parcel', body: 'Hi {{requester.first_name}}, we are on it (#{{ticket.number}}).' })).body.cannedResponse.id;
    admin = new AgentClient(t);
    await admin.signIn(t.admin.email, t.admin.password);
  });
  afterAll(async () => t.stop());

  it('is written in the admin form without JSON, each bad field named beside its row', async () => {
    const page = await admin.get('/admin/macros');
    expect(page.status).toBe(200);
    expect(page.html).toContain('name="type_0"');
    expect(page.html).not.toMatch(/<textarea name="actions"/);

    const bad = await admin.post('/admin/macros', { name: 'Late parcel', type_0: 'add_tag', tag_0: '', type_1: 'reply', cannedResponseId_1: String(cannedId) });
    expect(bad.status).toBe(422);
    expect(bad.html).toContain('Name the tag');
    expect(bad.html).toContain('Choose who reads the reply: public or participants');
    // What was typed is kept.
    expect(bad.html).toMatch(/name="type_1"[^>]*>.*<option value="reply" selected>/s);

    const ok = await admin.post('/admin/macros', {
      name: 'Late parcel', description: 'Parcel questions',
      type_0: 'reply', cannedResponseId_0: String(cannedId), audience_0: 'participants',
      type_1: 'add_tag', tag_1: 'Shipping',
      type_2: 'set_status', status_2: 'pending',
      type_3: 'assign_agent', agentId_3: String(bo.id),
      type_4: 'add_note', text_4: 'Checked with the carrier.',
    });
    expect([ok.status, ok.location]).toEqual([303, '/admin/macros']);
    const list = await t.api('GET', '/api/macros');
    expect(list.body.macros).toEqual([expect.objectContaining({
      name: 'Late parcel', description: 'Parcel questions',
      summary: 'reply “Late parcel” to participants · add tag Shipping · set status pending · assign to Bo Berg · add a staff note',
    })]);
    const dup = await admin.post('/admin/macros', { name: 'late PARCEL', type_0: 'close' });
    expect(dup.status).toBe(409);
    expect(dup.html).toContain('A macro called &quot;Late parcel&quot; exists already.');
  });

  it('applies from the ticket page as a plain form post: every action through its command, the reply through the outbox to participants', async () => {
    const macro = (await t.api('GET', '/api/macros')).body.macros.find((x: any) => x.name === 'Late parcel');
    const id = await mailIn('Where is my parcel?');
    const page = await admin.get(`/tickets/${id}`);
    expect(page.html).toContain(`action="/tickets/${id}/macro"`);
    const r = await admin.post(`/tickets/${id}/macro`, { macroId: String(macro.id) });
    expect(r.status).toBe(303);
    expect(r.location).toMatch(new RegExp(`^/tickets/${id}\\?macro=Late\\+parcel&outcome=applied$`));
    const after = await admin.get(r.location!);
    expect(after.html).toContain('Macro <strong>Late parcel</strong> applied.');
    expect(after.html).toContain(`by macro <a href="/admin/macros/${macro.id}"><em>Late parcel</em></a>`);

    const ticket = (await ticketRepository.findById(t.s.db.m, id))!;
    expect([ticket.status, ticket.assigneeId]).toEqual(['pending', bo.id]);
    expect((await ticketRepository.tagsOf(t.s.db.m, [id])).get(id)).toEqual(['shipping']);
    const messages = await messageRepository.listByTicket(t.s.db.m, id);
    const reply = messages.find((x) => x.direction === 'outbound')!;
    const note = messages.find((x) => x.audience === 'staff')!;
    expect([reply.audience, reply.authorAgentId, reply.text]).toEqual(['participants', t.admin.id, `Hi Grace, we are on it (#${id}).`]);
    expect(note.text).toBe('Checked with the carrier.');
    const queued = await t.s.db.m.getRepository(OutboxItem).find({ where: { ticketId: id } });
    expect(queued.map((q) => q.messageId)).toEqual([reply.id]);
    expect(JSON.stringify(queued[0].payload)).toContain('grace@example.com');
    expect(JSON.stringify(queued.map((q) => q.payload))).not.toContain('Checked with the carrier');
    expect(await causes(id)).toEqual(expect.arrayContaining([
      ['tag.added', 'macro', 'Late parcel'], ['status', 'macro', 'Late parcel'], ['assigned', 'macro', 'Late parcel'],
    ]));

    // Again: nothing left to change but the reply and note, which always go out; the page says so.
    const again = await admin.post(`/tickets/${id}/macro`, { macroId: String(macro.id) });
    expect(again.location).toContain('outcome=applied');
  });

  it('applies from the bulk bar, each ticket on its own: a public reply goes out publicly, a private ticket refuses it and is reported', async () => {
    const created = await t.api('POST', '/api/macros', {
      name: 'Public answer', actions: [{ type: 'reply', cannedResponseId: cannedId, audience: 'public' }, { type: 'add_tag', tag: 'answered' }],
    });
    expect(created.status).toBe(201);
    const pub = await publicPost('How do I track a parcel?');
    const priv = await mailIn('Private question');
    await admin.get('/inbox');
    const bulk = await admin.post('/inbox/bulk', { ids: [String(pub), String(priv)], macro: String(created.body.macro.id) });
    expect(bulk.status).toBe(303);
    const back = await admin.get(bulk.location!);
    expect(back.html).toContain('1 ticket(s) changed.');
    expect(back.html).toContain(`#${priv}</a> Public answer: The macro replies publicly and this ticket is private.`);

    const pubReply = (await messageRepository.listByTicket(t.s.db.m, pub)).find((x) => x.direction === 'outbound')!;
    expect(pubReply.audience).toBe('public');
    expect((await t.s.db.m.getRepository(OutboxItem).find({ where: { ticketId: pub } })).map((q) => q.messageId)).toEqual([pubReply.id]);
    expect(await causes(pub)).toEqual([['status', 'macro', 'Public answer'], ['tag.added', 'macro', 'Public answer']]);
    expect((await messageRepository.listByTicket(t.s.db.m, priv)).filter((x) => x.direction === 'outbound')).toEqual([]);
    expect(await causes(priv)).toEqual([]);
  });

  it('works through the JSON API with each step reported, refuses actions a macro may not take, and is in the OpenAPI document', async () => {
    const refused = await t.api('POST', '/api/macros', { name: 'Hook', actions: [{ type: 'call_webhook', url: 'https://example.com/x' }] });
    expect([refused.status, Object.keys(refused.body.error.details.fields)]).toEqual([400, ['actions.0.type']]);
    const missing = await t.api('POST', '/api/macros', { name: 'Bad', actions: [{ type: 'set_status', status: 'new' }] });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.fields['actions.0.status']).toBeDefined();

    const m = await t.api('POST', '/api/macros', { name: 'Urgent to Bo', actions: [{ type: 'set_priority', priority: 'urgent' }, { type: 'assign_agent', agentId: bo.id }] });
    const a = await mailIn('Broken');
    const b = await mailIn('Also broken');
    await t.api('PATCH', `/api/tickets/${b}`, { priority: 'urgent', assigneeId: bo.id });
    const applied = await t.api('POST', `/api/macros/${m.body.macro.id}/apply`, { ticketIds: [a, b, 999_999] });
    expect(applied.status).toBe(200);
    expect(applied.body.results.map((r: any) => [r.ticketId, r.outcome])).toEqual([[a, 'applied'], [b, 'unchanged'], [999_999, 'refused']]);
    expect(applied.body.results[0].steps.map((x: any) => [x.summary, x.outcome])).toEqual([['set priority urgent', 'done'], ['assign to Bo Berg', 'done']]);
    expect(applied.body.results[1].reason).toBe('Nothing to change: priority is already urgent; already assigned to Bo Berg');

    // Agents apply, only admins write.
    const boToken = await t.s.sessions.createApiToken(bo.id, 'test');
    expect((await t.api('POST', `/api/macros/${m.body.macro.id}/apply`, { ticketIds: [a] }, boToken)).status).toBe(200);
    expect((await t.api('POST', '/api/macros', { name: 'Nope', actions: [{ type: 'close' }] }, boToken)).status).toBe(403);
    expect((await t.api('PATCH', `/api/macros/${m.body.macro.id}`, { name: 'Urgent for Bo' })).body.macro.name).toBe('Urgent for Bo');

    const doc = (await t.api('GET', '/api/openapi.json')).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/macros', '/api/macros/{id}', '/api/macros/{id}/apply', '/api/tickets/{id}/snooze']));
    expect((await t.api('DELETE', `/api/macros/${m.body.macro.id}`)).body).toEqual({ deleted: true });
  });
});
