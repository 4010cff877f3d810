import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InboundMessage } from '../src/channels/inbound-message';
import { hmacHex } from '../src/channels/signature';
import { actionListSchema, executeActions, loadState, planActions, type Action } from '../src/automation/actions';
import { createAgent } from '../src/agents/create-agent';
import { agentRepository } from '../src/db/repositories/agent.repository';
import { cannedResponseRepository } from '../src/db/repositories/canned-response.repository';
import { messageRepository } from '../src/db/repositories/message.repository';
import { ticketEventRepository } from '../src/db/repositories/ticket-event.repository';
import { ticketRepository } from '../src/db/repositories/ticket.repository';
import { createInbox } from '../src/inboxes/create-inbox';
import { ANONYMOUS } from '../src/policies/viewer';
import { AgentClient } from './helpers/agent-client';
import { webhookCallSender } from '../src/automation/actions/call-webhook';
import { DB_KINDS, startTestChorus, type TestChorus } from './helpers/test-chorus';
import { until } from './helpers/wait';

const RAW = 'test.actions';
const testModule = {
  name: 'actions-channel',
  register: (s: TestChorus['s']) => s.parsers.register({ channels: ['email'], parsers: { [RAW]: async (raw: string) => JSON.parse(raw) as InboundMessage } }),
};
const RULE = { kind: 'rule' as const, id: 7, name: 'VIP reach' };

describe.each(DB_KINDS)('automation actions (%s)', (db) => {
  let t: TestChorus;
  let inbox: Awaited<ReturnType<typeof createInbox>>;
  let n = 0;
  let hook: http.Server;
  let hookUrl = '';
  const calls: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  const mail = (from: string, extra: Partial<InboundMessage> = {}) =>
    t.s.ingest.ingest(inbox, [{ key: `a${++n}`, raw: JSON.stringify({ channel: 'email', subject: 'Help', text: 'hello', author: { kind: 'email', value: from }, ...extra }), rawType: RAW }]).then((r) => r[0]);
  const deps = () => ({ commands: t.s.commands, publicUrl: t.s.config.publicUrl });
  const run = (ticketId: number, actions: Action[]) => executeActions(deps(), ticketId, actions, { viewer: ANONYMOUS, cause: RULE });
  const events = (ticketId: number) => ticketEventRepository.listByTicket(t.s.db.m, ticketId);

  beforeAll(async () => {
    const { modules } = await import('../src/modules');
    t = await startTestChorus({ db, modules: [...modules, testModule as never], env: { CHORUS_WEBHOOKS_ALLOW_PRIVATE: 'true' } });
    inbox = await createInbox(t.s.db, Date.now(), { name: 'Support', channel: 'email', address: 'support@acme.test' });
    hook = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        calls.push({ headers: req.headers, body });
        res.end('{}');
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
  });
  afterAll(async () => {
    await t.stop();
    await new Promise((r) => hook.close(r));
  });

  it('refuses to call a private, loopback or non-http address unless the operator allows private ones', async () => {
    const send = webhookCallSender(2_000, false);
    const item = (url: string) => ({ id: 1, payload: { url, body: {} } }) as never;
    for (const url of [hookUrl, 'http://10.1.2.3/x', 'http://localhost:9/x', 'http://[::1]:9/x']) {
      await expect(send(item(url))).rejects.toThrow(/private|the machine itself/);
    }
    await expect(send(item('file:///etc/passwd'))).rejects.toThrow(/Only http:\/\/ and https:\/\//);
    expect(calls).toHaveLength(0);
  });

  it('validates an action list with errors that name the field', () => {
    const bad = actionListSchema.safeParse([{ type: 'set_priority', priority: 'asap' }, { type: 'reply', cannedResponseId: '3' }, { type: 'call_webhook', url: 'ftp://x' }, { type: 'teleport' }]);
    expect(bad.success).toBe(false);
    const paths = bad.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(paths).toEqual(expect.arrayContaining([
      expect.stringMatching(/^0\.priority: Choose one of low/),
      expect.stringMatching(/^1\.audience: Choose who reads the reply/),
      expect.stringMatching(/^2\.url: Give a full http\(s\) URL/),
      expect.stringMatching(/^3\.type: /),
    ]));
    expect(actionListSchema.safeParse([]).error!.issues[0].message).toBe('Add at least one action');
    // Form values arrive as strings; ids and flags are coerced.
    expect(actionListSchema.parse([{ type: 'notify_agents', agentIds: '3, 4', assignee: 'on' }, { type: 'assign_round_robin', teamId: '' }])).toEqual([
      { type: 'notify_agents', agentIds: [3, 4], assignee: true, text: '' }, { type: 'assign_round_robin' },
    ]);
  });

  it('carries out every action through the ticket commands, each event naming its cause', async () => {
    const now = Date.now();
    const bea = await createAgent(t.s.db, now, { email: 'bea@acme.test', name: 'Bea', password: 'correct horse', role: 'agent' });
    const teamId = await t.s.db.write((m) => agentRepository.insertTeam(m, 'Billing', now));
    await t.s.db.write((m) => agentRepository.addMember(m, teamId, bea.id));
    const canned = await t.s.db.write((m) => cannedResponseRepository.insert(m, { title: 'Thanks', body: 'Hi {{requester.first_name}}, we are on #{{ticket.number}}.', createdBy: null, createdAt: now, updatedAt: now }));
    const r = await mail('vip@x.test', { author: { kind: 'email', value: 'vip@x.test', name: 'Vera Vip' } });
    const id = r.ticketId!;
    await ticketRepository.addTag(t.s.db.m, id, 'old');
    const actions = actionListSchema.parse([
      { type: 'set_priority', priority: 'high' },
      { type: 'add_tag', tag: 'VIP' },
      { type: 'remove_tag', tag: 'old' },
      { type: 'assign_team', teamId },
      { type: 'assign_round_robin' },
      { type: 'reply', cannedResponseId: canned, audience: 'participants' },
      { type: 'add_note', text: 'VIP: answer within the hour' },
      { type: 'notify_agents', agentIds: [t.admin.id], assignee: true, text: 'A VIP wrote' },
      { type: 'call_webhook', url: hookUrl, secret: 'hook-secret' },
      { type: 'set_status', status: 'pending' },
    ]);
    const planned = await planActions(t.s.db.m, await loadState(t.s.db.m, (await ticketRepository.findById(t.s.db.m, id))!), actions, { actorName: 'Support', byAgent: false });
    const done = await run(id, actions);
    // The live run does what the plan said, step by step.
    expect(done.map((s) => s.summary)).toEqual(planned.map((s) => s.summary));
    expect(done.map((s) => s.outcome)).toEqual(Array(10).fill('done'));
    expect(done.map((s) => s.summary)).toEqual([
      'set priority high', 'add tag vip', 'remove tag old', 'set team Billing', 'assign to Bea (round-robin)', 'reply “Thanks” to participants',
      'add a staff note', 'notify Ada Admin, Bea', `call webhook ${new URL(hookUrl).host}`, 'set status pending',
    ]);

    const ticket = (await ticketRepository.findById(t.s.db.m, id))!;
    expect(ticket).toMatchObject({ priority: 'high', teamId, assigneeId: bea.id, status: 'pending' });
    expect((await ticketRepository.tagsOf(t.s.db.m, [id])).get(id)).toEqual(['vip']);
    const msgs = await messageRepository.listByTicket(t.s.db.m, id);
    const reply = msgs.find((m) => m.direction === 'outbound')!;
    expect(reply).toMatchObject({ authorType: 'system', audience: 'participants', text: 'Hi Vera, we are on #' + id + '.' });
    expect(['queued', 'sent']).toContain(reply.deliveryState);
    expect(reply.flags?.cause).toEqual(RULE);
    expect(msgs.find((m) => m.audience === 'staff')).toMatchObject({ authorType: 'system', text: 'VIP: answer within the hour' });
    // A rule's reply is not a person's first response.
    expect(ticket.firstResponseAt).toBeNull();

    const evs = (await events(id)).filter((e) => e.cause);
    expect(evs.map((e) => e.type)).toEqual(['priority', 'tag.added', 'tag.removed', 'team', 'assigned', 'agents.notified', 'webhook.called', 'status']);
    for (const e of evs) expect(e).toMatchObject({ actorType: 'system', cause: RULE });

    // The webhook call goes through the outbox, signed with the action's secret, and carries no message.
    const call = await until('the webhook call', async () => calls[0]);
    expect(call.headers['x-chorus-signature']).toBe(`sha256=${hmacHex('hook-secret', Buffer.from(call.body))}`);
    const body = JSON.parse(call.body);
    expect(body).toMatchObject({ event: 'automation.action', cause: RULE, ticket: { id, priority: 'high' } });
    expect(call.body).not.toContain('answer within the hour');
    expect(call.body).not.toContain('hello');

    // The ticket page explains each change: "Priority normal → high by rule VIP reach".
    const agent = new AgentClient(t);
    await agent.signIn(t.admin.email, t.admin.password);
    const page = (await agent.get(`/tickets/${id}`)).html;
    expect(page).toMatch(/Priority normal → high <span class="cause">by rule <a href="\/admin\/rules\/7"><em>VIP reach<\/em><\/a><\/span>/);
    expect(page).toContain('Notified Ada Admin, Bea');
    expect(page).toContain('Written by Chorus for an automation');
  });

  it('skips what is already so, and reports a step that cannot be carried out while the rest still run', async () => {
    const r = await mail('calm@x.test');
    const done = await run(r.ticketId!, [{ type: 'set_priority', priority: 'normal' }, { type: 'assign_agent', agentId: 99_999 }, { type: 'close' }, { type: 'set_status', status: 'open' }]);
    expect(done.map((s) => [s.outcome, s.summary])).toEqual([
      ['skipped', 'priority is already normal'], ['skipped', 'assign: agent 99999 is not active'], ['done', 'close'], ['skipped', 'a closed ticket cannot become open'],
    ]);
    expect((await ticketRepository.findById(t.s.db.m, r.ticketId!))!.status).toBe('closed');
  });

  it('never replies to automatic mail, and an agent applying the actions replies as themselves', async () => {
    const now = Date.now();
    const canned = await t.s.db.write((m) => cannedResponseRepository.insert(m, { title: 'Ack', body: 'Got it.', createdBy: null, createdAt: now, updatedAt: now }));
    const ooo = await mail('away@x.test', { subject: 'Out of office', noise: { autoReply: true, reason: 'Auto-Submitted: auto-replied' } });
    const done = await run(ooo.ticketId!, [{ type: 'reply', cannedResponseId: canned, audience: 'participants' }, { type: 'add_tag', tag: 'ooo' }]);
    expect(done[0]).toMatchObject({ outcome: 'skipped', summary: expect.stringMatching(/^no reply: the ticket was opened by automatic mail/) });
    expect(done[1].outcome).toBe('done');
    expect((await messageRepository.listByTicket(t.s.db.m, ooo.ticketId!)).filter((m) => m.direction === 'outbound')).toEqual([]);

    const person = await mail('person@x.test');
    const ada = { kind: 'agent' as const, agentId: t.admin.id, role: 'admin' as const, name: 'Ada Admin' };
    const macro = { kind: 'macro' as const, id: 3, name: 'Greet' };
    const steps = await executeActions(deps(), person.ticketId!, [{ type: 'reply', cannedResponseId: canned, audience: 'participants' }], { viewer: ada, cause: macro });
    expect(steps[0].outcome).toBe('done');
    const reply = (await messageRepository.listByTicket(t.s.db.m, person.ticketId!)).find((m) => m.direction === 'outbound')!;
    expect(reply).toMatchObject({ authorType: 'agent', authorAgentId: t.admin.id, text: 'Got it.' });
    const status = (await events(person.ticketId!)).find((e) => e.type === 'status')!;
    expect(status).toMatchObject({ actorType: 'agent', actorId: t.admin.id, cause: macro });
  });
});
