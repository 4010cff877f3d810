import type { InboundMessage } from '../src/channels/inbound-message';
import { createAgent } from '../src/agents/create-agent';
import { automationRuleRepository } from '../src/db/repositories/automation-rule.repository';
import { ticketRepository } from '../src/db/repositories/ticket.repository';
import { createInbox } from '../src/inboxes/create-inbox';
import { AgentClient } from './helpers/agent-client';
import { DB_KINDS, startTestChorus, type TestChorus } from './helpers/test-chorus';
import { until } from './helpers/wait';

const RAW = 'test.rule-pages';
const testModule = {
  name: 'rule-pages-channel',
  register: (s: TestChorus['s']) => s.parsers.register({ channels: ['email'], parsers: { [RAW]: async (raw: string) => JSON.parse(raw) as InboundMessage } }),
};

describe.each(DB_KINDS)('rules admin pages and API (%s)', (db) => {
  let t: TestChorus;
  let inbox: Awaited<ReturnType<typeof createInbox>>;
  let n = 0;
  const mail = (subject: string) =>
    t.s.ingest.ingest(inbox, [{ key: `p${++n}`, raw: JSON.stringify({ channel: 'email', subject, text: 'hello', author: { kind: 'email', value: `c${n}@x.test` } }), rawType: RAW }]).then((r) => r[0]);

  beforeAll(async () => {
    const { modules } = await import('../src/modules');
    t = await startTestChorus({ db, modules: [...modules, testModule as never] });
    inbox = await createInbox(t.s.db, Date.now(), { name: 'Support', channel: 'email', address: 'support@acme.test' });
  });
  afterAll(async () => t.stop());

  it('an admin builds a rule in the form without JavaScript, previews it, enables it, and new tickets show its change', async () => {
    const old = await mail('Urgent: server down');
    await mail('A question');
    const admin = new AgentClient(t);
    await admin.signIn(t.admin.email, t.admin.password);
    const form = await admin.get('/admin/rules/new');
    expect(form.status).toBe(200);
    expect(form.html).toContain('name="c0_test"');
    expect(form.html).toContain('<option value="set_priority:urgent">Set priority urgent</option>');

    // A bad row is named beside itself and the form keeps what was typed.
    const fields = { name: 'Urgent subjects', trigger: 'ticket_created', c0_test: 'subject:matches', c0_value: '(a+)+', c1_test: '', c1_value: '', a0_do: 'set_priority:urgent', a0_arg: '', a1_do: 'add_tag:', a1_arg: 'outage' };
    const bad = await admin.post('/admin/rules', fields);
    expect(bad.status).toBe(422);
    expect(bad.html).toMatch(/Nested repetition and back-references are not allowed/);
    expect(bad.html).toContain('value="Urgent subjects"');

    const good = { ...fields, c0_value: '^urgent' };
    const preview = await admin.post('/admin/rules', { ...good, preview: '1' });
    expect(preview.status).toBe(200);
    expect(preview.html).toMatch(/<strong>1<\/strong> of 2 firings would have matched/);
    expect(preview.html).toContain(`#${old.ticketId} Urgent: server down`);
    expect(preview.html).toContain('<li>set priority urgent</li><li>add tag outage</li>');
    expect(await automationRuleRepository.list(t.s.db.m)).toEqual([]);
    expect((await ticketRepository.findById(t.s.db.m, old.ticketId!))!.priority).toBe('normal');

    // Saving from the preview page, enabled.
    const saved = await admin.post('/admin/rules', { ...good, enabled: '1' });
    expect(saved.status).toBe(303);
    const [rule] = await automationRuleRepository.list(t.s.db.m);
    expect(rule).toMatchObject({ name: 'Urgent subjects', enabled: true, trigger: 'ticket_created' });
    const list = await admin.get('/admin/rules');
    expect(list.html).toContain('Urgent subjects');
    expect(list.html).toContain('set priority urgent, add tag outage');
    expect(list.html).toContain('if Subject matches pattern “^urgent”');

    const fresh = await mail('URGENT: checkout broken');
    await until('the rule ran', async () => (await ticketRepository.findById(t.s.db.m, fresh.ticketId!))!.priority === 'urgent');
    await t.s.bus.drain();
    const page = await admin.get(`/tickets/${fresh.ticketId}`);
    expect(page.html).toMatch(new RegExp(`Priority normal → urgent <span class="cause">by rule <a href="/admin/rules/${rule.id}"><em>Urgent subjects</em></a></span>`));
    expect(page.html).toMatch(/Tagged outage <span class="cause">by rule/);

    // The form shows the saved rule back; disabling stops it.
    const edit = await admin.get(`/admin/rules/${rule.id}`);
    expect(edit.html).toContain('<option value="subject:matches" selected>');
    expect(edit.html).toContain('value="^urgent"');
    expect((await admin.post(`/admin/rules/${rule.id}/enabled`, { enabled: '0' })).status).toBe(303);
    expect((await automationRuleRepository.findById(t.s.db.m, rule.id))!.enabled).toBe(false);
  });

  it('the JSON API validates with field names, orders, enables and dry-runs rules; only admins may', async () => {
    const bad = await t.api('POST', '/api/rules', { name: 'x', trigger: { type: 'solved_for', days: 0 }, actions: [{ type: 'reply', cannedResponseId: 1 }] });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.details.fields)).toEqual(expect.arrayContaining(['trigger.days', 'actions.0.audience']));
    const missing = await t.api('POST', '/api/rules', { name: 'x', trigger: { type: 'ticket_created' }, actions: [{ type: 'assign_agent', agentId: 9999 }] });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.fields).toEqual({ 'actions.0.agentId': ['No active agent has this id.'] });

    const a = await t.api('POST', '/api/rules', { name: 'First', trigger: { type: 'ticket_created' }, actions: [{ type: 'add_tag', tag: 'a' }] });
    const b = await t.api('POST', '/api/rules', { name: 'Second', enabled: true, trigger: { type: 'pending_for', hours: 8 }, conditions: [{ field: 'priority', op: 'in', value: ['high'] }], actions: [{ type: 'set_status', status: 'solved' }] });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.body.rule).toMatchObject({ enabled: true, trigger: { type: 'pending_for', hours: 8 }, conditions: [{ field: 'priority', op: 'in', value: ['high'] }] });
    const moved = await t.api('POST', `/api/rules/${b.body.rule.id}/move`, { direction: 'up' });
    expect(moved.body.rules.map((r: { name: string }) => r.name).slice(-2)).toEqual(['Second', 'First']);
    expect((await t.api('POST', `/api/rules/${a.body.rule.id}/enabled`, { enabled: true })).body.rule.enabled).toBe(true);
    const dry = await t.api('POST', `/api/rules/${a.body.rule.id}/dry-run`);
    expect(dry.status).toBe(200);
    expect(dry.body.dryRun).toMatchObject({ considered: expect.any(Number), matchedCount: expect.any(Number), matches: expect.any(Array) });
    const unsaved = await t.api('POST', '/api/rules/dry-run', { name: 'Try', trigger: { type: 'ticket_created' }, conditions: [{ field: 'subject', op: 'contains', value: 'question' }], actions: [{ type: 'add_tag', tag: 'q' }] });
    expect(unsaved.body.dryRun.matches.map((m: { subject: string }) => m.subject)).toEqual(['A question']);

    const agent = await createAgent(t.s.db, Date.now(), { email: 'plain@acme.test', name: 'Plain', password: 'correct horse', role: 'agent' });
    const token = await t.s.sessions.createApiToken(agent.id, 'test');
    expect((await t.api('GET', '/api/rules', undefined, token)).status).toBe(403);
    expect((await t.api('GET', '/api/rules', undefined, '')).status).toBe(401);
    expect((await t.api('DELETE', `/api/rules/${a.body.rule.id}`)).status).toBe(204);

    const spec = await t.api('GET', '/api/openapi.json');
    for (const p of ['/api/rules', '/api/rules/{id}', '/api/rules/{id}/dry-run', '/api/rules/dry-run', '/api/rules/{id}/move', '/api/rules/{id}/enabled']) expect(Object.keys(spec.body.paths)).toContain(p);
    expect(JSON.stringify(spec.body.paths['/api/rules'].post)).toContain('pending_for');
  });
});
