import type { InboundMessage } from '../src/channels/inbound-message';
import { createCalendar } from '../src/automation/calendars/save-calendar';
import { holds } from '../src/automation/rules/conditions';
import { dryRun } from '../src/automation/rules/dry-run';
import { detectLanguage } from '../src/automation/rules/language';
import { parseRule } from '../src/automation/rules/rule-engine';
import { ruleEngineOf } from '../src/automation/rules/rule-engine-registry';
import { RuleFacts } from '../src/automation/rules/rule-facts';
import { type Condition, conditionSchema, ruleInputSchema } from '../src/automation/rules/rule-schema';
import { sweepTimeRules } from '../src/automation/rules/time-sweep';
import { saveRule } from '../src/automation/rules/commands/save-rule';
import { setRuleEnabled } from '../src/automation/rules/commands/change-rule';
import { automationRuleRepository } from '../src/db/repositories/automation-rule.repository';
import { messageRepository } from '../src/db/repositories/message.repository';
import { ticketEventRepository } from '../src/db/repositories/ticket-event.repository';
import { ticketRepository } from '../src/db/repositories/ticket.repository';
import { createInbox } from '../src/inboxes/create-inbox';
import { addReply } from '../src/tickets/commands/add-reply';
import { assign } from '../src/tickets/commands/assign';
import { changeStatus } from '../src/tickets/commands/change-status';
import { verifyChains } from '../src/archive/chain/verify-chain';
import { ANONYMOUS } from '../src/policies/viewer';
import { applyAutomaticChanges } from '../src/tickets/commands/apply-automatic-changes';
import { reconcileCounts } from '../src/tickets/reconcile-counts';
import { DB_KINDS, startTestChorus, type TestChorus, jsonChannelModule } from './helpers/test-chorus';

const RAW = 'test.rules';
const testModule = jsonChannelModule(RAW);
const HOUR = 3_600_000;
// Monday 5 January 2026, 09:00 UTC.
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

describe.each(DB_KINDS)('automation rules (%s)', (db) => {
  let t: TestChorus;
  let clock = T0;
  let n = 0;
  let mail: Awaited<ReturnType<typeof createInbox>>;
  let social: Awaited<ReturnType<typeof createInbox>>;
  let agent: { kind: 'agent'; agentId: number; role: 'admin'; name: string };
  const send = (inbox: typeof mail, msg: Partial<InboundMessage> & { author: InboundMessage['author'] }) =>
    t.s.ingest.ingest(inbox, [{ key: `r${++n}`, raw: JSON.stringify({ channel: inbox.channel, subject: 'Help', text: 'hello there', ...msg }), rawType: RAW }]).then((r) => r[0]);
  const mailFrom = (from: string, extra: Partial<InboundMessage> = {}) => send(mail, { author: { kind: 'email', value: from, name: from.split('@')[0] }, ...extra });
  const rule = (input: Record<string, unknown>) => saveRule(t.s, null, ruleInputSchema.parse({ enabled: true, ...input }));
  const settle = () => t.s.bus.drain();
  const ticket = (id: number) => ticketRepository.findById(t.s.db.m, id).then((x) => x!);
  const causedBy = async (id: number) => (await ticketEventRepository.listByTicket(t.s.db.m, id)).filter((e) => e.cause).map((e) => [e.type, e.cause!.name, e.data?.to ?? e.data?.tag ?? null]);
  const disableAll = async () => {
    for (const r of await automationRuleRepository.list(t.s.db.m)) await setRuleEnabled(t.s, r.id, false);
  };

  beforeAll(async () => {
    const { modules } = await import('../src/modules');
    t = await startTestChorus({ db, modules: [...modules, testModule as never], now: () => clock, env: { CHORUS_AUTOMATION_ACTIONS_PER_HOUR: '12', CHORUS_WORKERS: 'false' } });
    mail = await createInbox(t.s.db, T0, { name: 'Support', channel: 'email', address: 'support@acme.test' });
    social = await createInbox(t.s.db, T0, { name: '@acme', channel: 'x', settings: { accountId: '999', bearerToken: 'test-bearer-token', apiBaseUrl: 'http://127.0.0.1:9' } });
    agent = { kind: 'agent', agentId: t.admin.id, role: 'admin', name: 'Ada Admin' };
  });
  afterAll(async () => t.stop());
  afterEach(async () => {
    await settle();
    await disableAll();
  });

  it('tests every condition against a ticket, its requester and the message that fired', async () => {
    const cal = await createCalendar(t.s.db, T0, { name: 'Berlin office', timeZone: 'Europe/Berlin', weekly: { mon: [{ from: '09:00', to: '17:00' }] }, holidays: [] });
    await t.s.db.write((m) => t.s.db.m.query(`UPDATE inboxes SET calendar_id = ${cal.id} WHERE id = ${social.id}`));
    const r = await send(social, { author: { kind: 'x', value: '42', handle: 'vera', followers: 12_000, name: 'Vera Vip' }, audienceHint: 'public', threadKey: 'p1', externalId: 'x1', subject: 'Refund for order 1234', text: 'Ich möchte bitte mein Geld zurück, die Lieferung ist nicht angekommen.' });
    const tk = await ticket(r.ticketId!);
    await ticketRepository.addTag(t.s.db.m, tk.id, 'billing');
    const msg = await messageRepository.findById(t.s.db.m, r.messageId!);
    // 10:00 Berlin on a Monday is inside the office hours; 18:00 is not.
    const facts = async (at: number) => RuleFacts.load(t.s.db.m, await ticket(tk.id), msg, at);
    const inside = await facts(Date.UTC(2026, 0, 5, 9, 0));
    const outside = await facts(Date.UTC(2026, 0, 5, 17, 0));
    const cases: [unknown, boolean][] = [
      [{ field: 'channel', op: 'in', value: 'x, email' }, true], [{ field: 'channel', op: 'not_in', value: 'x' }, false],
      [{ field: 'inbox', op: 'in', value: [social.id] }, true], [{ field: 'inbox', op: 'not_in', value: String(social.id) }, false],
      [{ field: 'subject', op: 'contains', value: 'REFUND' }, true], [{ field: 'subject', op: 'not_contains', value: 'refund' }, false],
      [{ field: 'subject', op: 'matches', value: 'order \\d{4}$' }, true], [{ field: 'subject', op: 'matches', value: '^order' }, false],
      [{ field: 'text', op: 'contains', value: 'geld' }, true], [{ field: 'text', op: 'matches', value: 'lieferung|delivery' }, true], [{ field: 'text', op: 'not_contains', value: 'Geld' }, false],
      [{ field: 'tags', op: 'any', value: 'vip, billing' }, true], [{ field: 'tags', op: 'all', value: 'vip, billing' }, false], [{ field: 'tags', op: 'none', value: 'vip' }, true],
      [{ field: 'priority', op: 'in', value: 'normal' }, true], [{ field: 'priority', op: 'not_in', value: 'normal, low' }, false],
      [{ field: 'status', op: 'in', value: 'new' }, true], [{ field: 'visibility', op: 'is', value: 'public' }, true], [{ field: 'visibility', op: 'is', value: 'private' }, false],
      [{ field: 'message_audience', op: 'in', value: 'public' }, true], [{ field: 'message_audience', op: 'in', value: 'participants' }, false],
      [{ field: 'requester_reach', op: 'gte', value: '10000' }, true], [{ field: 'requester_reach', op: 'lt', value: 10000 }, false],
      [{ field: 'requester_identity', op: 'has', value: 'x' }, true], [{ field: 'requester_identity', op: 'has_not', value: 'email' }, true],
      [{ field: 'requester_name', op: 'contains', value: 'vera' }, true], [{ field: 'requester_email', op: 'ends_with', value: '@acme.test' }, false],
      [{ field: 'requester_reputation', op: 'gte', value: 1 }, false], [{ field: 'requester_reputation', op: 'lt', value: 1 }, true],
      [{ field: 'language', op: 'in', value: 'de' }, true], [{ field: 'language', op: 'not_in', value: 'de' }, false],
    ];
    for (const [raw, expected] of cases) {
      const c = conditionSchema.parse(raw);
      expect([raw, await holds(c, inside)]).toEqual([raw, expected]);
    }
    const bh = (v: string) => conditionSchema.parse({ field: 'business_hours', op: 'is', value: v }) as Condition;
    expect([await holds(bh('inside'), inside), await holds(bh('outside'), inside), await holds(bh('inside'), outside)]).toEqual([true, false, false]);

    const ann = await mailFrom('ann@example.org', { text: 'Hello, the app does not start and I have tried everything.' });
    const annFacts = await RuleFacts.load(t.s.db.m, await ticket(ann.ticketId!), await messageRepository.findById(t.s.db.m, ann.messageId!), T0);
    expect(await holds(conditionSchema.parse({ field: 'requester_email', op: 'ends_with', value: '@EXAMPLE.org' }), annFacts)).toBe(true);
    expect(await holds(conditionSchema.parse({ field: 'language', op: 'in', value: 'en' }), annFacts)).toBe(true);
    // No calendar: always inside business hours.
    expect(await holds(bh('inside'), annFacts)).toBe(true);
    expect(detectLanguage('ok')).toBeNull();
  });

  it('refuses patterns that could run forever, naming the field', () => {
    for (const p of ['(a+)+$', '(x*)*', '(\\w+\\s?)+', '(a)\\1']) {
      const r = conditionSchema.safeParse({ field: 'text', op: 'matches', value: p });
      expect(r.error?.issues[0]).toMatchObject({ path: ['value'], message: expect.stringMatching(/not allowed/) });
    }
    expect(conditionSchema.safeParse({ field: 'text', op: 'matches', value: '([a-z' }).error?.issues[0].message).toMatch(/^Not a valid pattern/);
    const bad = ruleInputSchema.safeParse({ name: '', trigger: { type: 'pending_for', hours: '0' }, conditions: [{ field: 'priority', op: 'in', value: 'asap' }], actions: [] });
    expect(bad.error!.issues.map((i) => i.path.join('.'))).toEqual(expect.arrayContaining(['name', 'trigger.hours', 'conditions.0.value.0', 'actions']));
  });

  it('runs event rules in order after the commit, each change naming its rule', async () => {
    await rule({ name: 'VIP reach', trigger: { type: 'ticket_created' }, conditions: [{ field: 'requester_reach', op: 'gte', value: 1000 }], actions: [{ type: 'set_priority', priority: 'high' }, { type: 'add_tag', tag: 'vip' }] });
    await rule({ name: 'VIP urgent when angry', trigger: { type: 'ticket_created' }, conditions: [{ field: 'tags', op: 'any', value: 'vip' }, { field: 'text', op: 'contains', value: 'angry' }], actions: [{ type: 'set_priority', priority: 'urgent' }] });
    const vip = await send(social, { author: { kind: 'x', value: '77', handle: 'big', followers: 5000 }, audienceHint: 'private', threadKey: 'dm77', externalId: 'x77', text: 'I am angry' });
    const small = await send(social, { author: { kind: 'x', value: '78', handle: 'small', followers: 10 }, audienceHint: 'private', threadKey: 'dm78', externalId: 'x78', text: 'I am angry' });
    await settle();
    // The second rule sees the first one's tag: rules run in order on the ticket as it is then.
    expect(await causedBy(vip.ticketId!)).toEqual([['priority', 'VIP reach', 'high'], ['tag.added', 'VIP reach', 'vip'], ['priority', 'VIP urgent when angry', 'urgent']]);
    expect(await causedBy(small.ticketId!)).toEqual([]);
  });

  it('puts a pass\'s tag and priority changes together, each change still naming its rule and each rule its run', async () => {
    await rule({ name: 'Tag twice', trigger: { type: 'ticket_created' }, actions: [{ type: 'add_tag', tag: 'alpha' }, { type: 'add_tag', tag: 'beta' }] });
    await rule({ name: 'Untag and raise', trigger: { type: 'ticket_created' }, conditions: [{ field: 'tags', op: 'any', value: 'alpha' }], actions: [{ type: 'remove_tag', tag: 'alpha' }, { type: 'set_priority', priority: 'high' }] });
    await rule({ name: 'Tag on message', trigger: { type: 'message_received' }, conditions: [{ field: 'priority', op: 'in', value: 'high' }], actions: [{ type: 'add_tag', tag: 'gamma' }] });
    const updates: { ticketId: number; changes: string[]; cause?: { name: string } }[] = [];
    t.s.bus.on('ticket.updated', (e) => void updates.push(e));
    const r = await mailFrom('batch@x.test');
    await settle();
    const id = r.ticketId!;
    // Later rules saw the earlier ones' changes, and the history names who made each.
    expect(await causedBy(id)).toEqual([['tag.added', 'Tag twice', 'alpha'], ['tag.added', 'Tag twice', 'beta'], ['tag.removed', 'Untag and raise', 'alpha'], ['priority', 'Untag and raise', 'high'], ['tag.added', 'Tag on message', 'gamma']]);
    expect((await ticketRepository.tagsOf(t.s.db.m, [id])).get(id)).toEqual(['beta', 'gamma']);
    expect((await ticket(id)).priority).toBe('high');
    expect(updates.filter((e) => e.ticketId === id).map((e) => [e.cause?.name, e.changes])).toEqual([['Tag twice', ['tags']], ['Untag and raise', ['tags', 'priority']], ['Tag on message', ['tags']]]);
    const runs = await automationRuleRepository.runsOfTicket(t.s.db.m, id);
    expect(runs.map((x) => [x.outcome, x.actions, x.steps!.map((st) => st.outcome)])).toEqual([['done', 2, ['done', 'done']], ['done', 2, ['done', 'done']], ['done', 1, ['done']]]);
    // The events are links of the ticket's hash chain, and the kept tag counts add up.
    expect((await verifyChains(t.s.db.m)).problems).toEqual([]);
    expect(await reconcileCounts(t.s)).toEqual({ tickets: 0, keys: 0, tags: 0 });

    // A batch that finds other tags than its caller read changes nothing (the pass then carries
    // the changes out one by one).
    const before = { ticket: await ticket(id), tags: new Set<string>() };
    await expect(applyAutomaticChanges(t.s.commands, ANONYMOUS, before, [{ cause: { kind: 'rule', id: 1, name: 'Stale' }, change: { kind: 'tag.add', tag: 'beta' } }, { cause: { kind: 'rule', id: 1, name: 'Stale' }, change: { kind: 'priority', to: 'low' } }]))
      .rejects.toThrow(/tags changed meanwhile/);
    expect(await causedBy(id)).toHaveLength(5);
    expect((await ticket(id)).priority).toBe('high');
  });

  it('fires on customer messages by audience and channel, status changes, assignments and SLA events', async () => {
    await rule({ name: 'Public posts', trigger: { type: 'message_received', audiences: 'public', channels: 'x' }, actions: [{ type: 'add_tag', tag: 'public-post' }] });
    await rule({ name: 'Solved', trigger: { type: 'status_changed', statuses: 'solved' }, actions: [{ type: 'add_tag', tag: 'was-solved' }] });
    await rule({ name: 'Assigned', trigger: { type: 'assigned' }, actions: [{ type: 'add_tag', tag: 'has-owner' }] });
    await rule({ name: 'SLA warning', trigger: { type: 'sla_warning' }, actions: [{ type: 'set_priority', priority: 'urgent' }] });
    const pub = await send(social, { author: { kind: 'x', value: '90', handle: 'p' }, audienceHint: 'public', threadKey: 'post9', externalId: 'x90' });
    const dm = await send(social, { author: { kind: 'x', value: '91', handle: 'q' }, audienceHint: 'private', threadKey: 'dm91', externalId: 'x91' });
    const email = await mailFrom('bo@x.test');
    await settle();
    expect(await causedBy(pub.ticketId!)).toEqual([['tag.added', 'Public posts', 'public-post']]);
    expect(await causedBy(dm.ticketId!)).toEqual([]);
    // An agent's own reply is not a customer message.
    await addReply(t.s.commands, agent, email.ticketId!, { audience: 'participants', text: 'On it', status: 'pending' });
    await assign(t.s.commands, agent, email.ticketId!, { agentId: agent.agentId });
    await changeStatus(t.s.commands, agent, email.ticketId!, 'solved');
    t.s.bus.publish([{ name: 'sla.warning', payload: { ticketId: email.ticketId!, policyId: 1, policyName: 'Default', target: 'resolution', dueAt: T0 + HOUR } }]);
    await settle();
    expect(await causedBy(email.ticketId!)).toEqual([['tag.added', 'Assigned', 'has-owner'], ['tag.added', 'Solved', 'was-solved'], ['priority', 'SLA warning', 'urgent']]);
  });

  it('guards against loops: a rule ignores its own change, and a ticket gets at most N automatic actions an hour', async () => {
    // Re-triggering itself would loop at once: pending → open → (its own change) …
    await rule({ name: 'Reopen pending', trigger: { type: 'status_changed', statuses: 'pending,open' }, actions: [{ type: 'set_status', status: 'open' }, { type: 'add_tag', tag: 'bounced' }] });
    const a = await mailFrom('loop1@x.test');
    await changeStatus(t.s.commands, agent, a.ticketId!, 'pending');
    await settle();
    expect(await causedBy(a.ticketId!)).toEqual([['status', 'Reopen pending', 'open'], ['tag.added', 'Reopen pending', 'bounced']]);
    await disableAll();

    // Two rules that undo each other ping-pong until the hourly budget (12 here) stops them.
    await rule({ name: 'Ping', trigger: { type: 'status_changed', statuses: 'pending' }, actions: [{ type: 'set_status', status: 'open' }] });
    await rule({ name: 'Pong', trigger: { type: 'status_changed', statuses: 'open' }, actions: [{ type: 'set_status', status: 'pending' }] });
    const b = await mailFrom('loop2@x.test');
    await changeStatus(t.s.commands, agent, b.ticketId!, 'pending');
    await settle();
    const events = (await ticketEventRepository.listByTicket(t.s.db.m, b.ticketId!)).filter((e) => e.cause);
    const moves = events.filter((e) => e.type === 'status');
    expect(moves).toHaveLength(12);
    expect(moves.map((e) => e.cause!.name)).toEqual(Array.from({ length: 12 }, (_, i) => (i % 2 ? 'Pong' : 'Ping')));
    const stops = events.filter((e) => e.type === 'automation.limited');
    expect(stops).toHaveLength(1);
    expect(stops[0]).toMatchObject({ cause: { kind: 'rule', name: 'Ping' }, data: { limit: 12, reason: expect.stringContaining('12 automatic actions') } });
    // An hour later the budget is there again.
    expect((await ticket(b.ticketId!)).status).toBe('pending');
    clock += HOUR + 1;
    await changeStatus(t.s.commands, agent, b.ticketId!, 'open');
    await settle();
    const later = (await ticketEventRepository.listByTicket(t.s.db.m, b.ticketId!)).filter((e) => e.cause);
    expect(later.filter((e) => e.type === 'status')).toHaveLength(24);
    expect(later.filter((e) => e.type === 'automation.limited')).toHaveLength(2);
  });

  it('dry run over the last 30 days matches what the live rule then does', async () => {
    clock = T0 + 40 * 24 * HOUR;
    const input = { name: 'Refunds to billing', trigger: { type: 'ticket_created' }, conditions: [{ field: 'subject', op: 'matches', value: 'refund|money back' }, { field: 'channel', op: 'in', value: 'email' }], actions: [{ type: 'set_priority', priority: 'high' }, { type: 'add_tag', tag: 'refund' }] };
    const saved = await saveRule(t.s, null, ruleInputSchema.parse({ ...input, enabled: false }));
    const subjects = ['Refund please', 'Where is my order', 'Money back now', 'Login broken'];
    // An old refund (45 days ago) is outside the window.
    clock -= 45 * 24 * HOUR;
    await mailFrom('old@x.test', { subject: 'Refund from long ago' });
    clock += 45 * 24 * HOUR;
    const before: number[] = [];
    for (const s of subjects) before.push((await mailFrom(`${s.length}@dry.test`, { subject: s })).ticketId!);
    await settle();
    const preview = await dryRun(t.s, parseRule(saved)!, clock);
    expect(preview.matchedCount).toBe(2);
    expect(preview.matches.map((x) => [x.subject, x.steps.map((s) => s.summary)]).sort()).toEqual([
      ['Money back now', ['set priority high', 'add tag refund']], ['Refund please', ['set priority high', 'add tag refund']],
    ]);
    // Nothing changed by the preview.
    for (const id of before) expect(await causedBy(id)).toEqual([]);

    await setRuleEnabled(t.s, saved.id, true);
    const live = new Map<string, unknown>();
    for (const s of subjects) {
      const r = await mailFrom(`${s.length}@live.test`, { subject: s });
      await settle();
      live.set(s, (await causedBy(r.ticketId!)).map(([type, , v]) => `${type} ${v}`));
    }
    expect([...live.entries()].filter(([, v]) => (v as unknown[]).length).map(([s]) => s).sort()).toEqual(preview.matches.map((x) => x.subject).sort());
    expect(live.get('Refund please')).toEqual(['priority high', 'tag.added refund']);
  });

  it('time rules fire once per stay, from the index, counting business hours', async () => {
    clock = Date.UTC(2026, 1, 6, 15, 0); // Friday 6 February 2026, 16:00 in Berlin
    const cal = await createCalendar(t.s.db, clock, { name: 'Weekdays', timeZone: 'Europe/Berlin', weekly: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ from: '09:00', to: '17:00' }]])), holidays: [] });
    const office = await createInbox(t.s.db, clock, { name: 'Office', channel: 'email', address: 'office@acme.test' });
    await t.s.db.write((m) => m.query(`UPDATE inboxes SET calendar_id = ${cal.id} WHERE id = ${office.id}`));
    const pendingRule = await rule({ name: 'Nudge pending', trigger: { type: 'pending_for', hours: 4 }, actions: [{ type: 'add_tag', tag: 'nudged' }] });
    const solvedRule = await rule({ name: 'Close solved', trigger: { type: 'solved_for', days: 3 }, actions: [{ type: 'close' }] });
    await rule({ name: 'Chase', trigger: { type: 'no_customer_answer', days: 2 }, conditions: [{ field: 'status', op: 'in', value: 'pending' }], actions: [{ type: 'add_tag', tag: 'chased' }] });
    const p = await send(office, { author: { kind: 'email', value: 'waiter@x.test' } });
    await addReply(t.s.commands, agent, p.ticketId!, { audience: 'participants', text: 'Can you send a screenshot?', status: 'pending' });
    const s = await mailFrom('solved@x.test');
    await changeStatus(t.s.commands, agent, s.ticketId!, 'solved');
    await settle();
    const sweep = () => sweepTimeRules(t.s, ruleEngineOf(t.s), clock);

    // Four wall hours later it is Friday 20:00: one business hour has passed.
    clock += 4 * HOUR;
    await sweep();
    expect(await causedBy(p.ticketId!)).toEqual([]);
    // Monday 12:00 in Berlin: 1 + 3 business hours.
    clock = Date.UTC(2026, 1, 9, 11, 0);
    const first = await sweep();
    expect(await causedBy(p.ticketId!)).toEqual([['tag.added', 'Nudge pending', 'nudged'], ['tag.added', 'Chase', 'chased']]);
    // Solved since Friday 15:00 UTC: three days are not over yet.
    expect(await causedBy(s.ticketId!)).toEqual([]);
    expect(first.fired).toBe(2);
    // Swept again: nothing fires twice, and the range read starts after the last sweep.
    const again = await sweep();
    expect(again).toMatchObject({ fired: 0, scanned: 0 });
    expect((await automationRuleRepository.findById(t.s.db.m, pendingRule.id))!.sweptUntil).toBe(clock - 4 * HOUR);
    expect((await automationRuleRepository.findById(t.s.db.m, solvedRule.id))!.sweptUntil).toBe(clock - 3 * 24 * HOUR);
    // A new stay in pending fires again.
    await changeStatus(t.s.commands, agent, p.ticketId!, 'open');
    await ticketRepository.removeTag(t.s.db.m, p.ticketId!, 'nudged');
    await changeStatus(t.s.commands, agent, p.ticketId!, 'pending');
    clock += 5 * HOUR;
    await sweep();
    expect((await causedBy(p.ticketId!)).filter(([, name]) => name === 'Nudge pending')).toHaveLength(2);
    expect(await causedBy(s.ticketId!)).toEqual([['status', 'Close solved', 'closed']]);
  });
});
