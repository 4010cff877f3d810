import type { InboundMessage } from '../src/channels/inbound-message';
import { ruleEngineOf } from '../src/automation/rules/rule-engine-registry';
import { ruleInputSchema } from '../src/automation/rules/rule-schema';
import { sweepTimeRules, TIME_RULES_JOB } from '../src/automation/rules/time-sweep';
import { saveRule } from '../src/automation/rules/commands/save-rule';
import { automationRuleRepository } from '../src/db/repositories/automation-rule.repository';
import { jobLeaseRepository } from '../src/db/repositories/job-lease.repository';
import { ticketEventRepository } from '../src/db/repositories/ticket-event.repository';
import { createInbox } from '../src/inboxes/create-inbox';
import { changeStatus } from '../src/tickets/commands/change-status';
import { freshPostgres, startTestChorus, type TestChorus } from './helpers/test-chorus';
import { until } from './helpers/wait';

const RAW = 'test.cluster-rules';
const testModule = {
  name: 'cluster-rules-channel',
  register: (s: TestChorus['s']) => s.parsers.register({ channels: ['email'], parsers: { [RAW]: async (raw: string) => JSON.parse(raw) as InboundMessage } }),
};
const DAY = 86_400_000;

// Two app nodes on one Postgres, both sweeping every 50 ms: a time rule fires once per ticket.
const pg = process.env.TEST_DATABASE_URL ? describe : describe.skip;
pg('time rules on two nodes', () => {
  let a: TestChorus;
  let b: TestChorus;
  let drop = async () => {};
  let clock = Date.UTC(2026, 3, 1, 12);
  const now = () => clock;

  beforeAll(async () => {
    const { modules } = await import('../src/modules');
    const db = await freshPostgres();
    drop = db.drop;
    const env = { CHORUS_AUTOMATION_SWEEP_MS: '50' };
    a = await startTestChorus({ dbUrl: db.url, env, now, modules: [...modules, testModule as never] });
    b = await startTestChorus({ dbUrl: db.url, env, now, modules: [...modules, testModule as never] });
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    await drop();
  });

  it('fires once, not once per node', async () => {
    const inbox = await createInbox(a.s.db, clock, { name: 'Support', channel: 'email', address: 'support@acme.test' });
    const agent = { kind: 'agent' as const, agentId: a.admin.id, role: 'admin' as const, name: 'Ada' };
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) {
      const [r] = await a.s.ingest.ingest(inbox, [{ key: `c${i}`, raw: JSON.stringify({ channel: 'email', subject: `Q${i}`, text: 'hi', author: { kind: 'email', value: `q${i}@x.test` } }), rawType: RAW }]);
      await changeStatus(a.s.commands, agent, r.ticketId!, 'solved');
      ids.push(r.ticketId!);
    }
    const rule = await saveRule(a.s, null, ruleInputSchema.parse({ name: 'Thank and tag', enabled: true, trigger: { type: 'solved_for', days: 2 }, actions: [{ type: 'add_tag', tag: 'followed-up' }, { type: 'add_note', text: 'Solved two days ago' }] }));

    // Both nodes race the same sweep directly (no lease), beside the cluster job running on both:
    // the unique claim lets one firing per ticket through.
    clock += 3 * DAY;
    const [sa, sb] = await Promise.all([sweepTimeRules(a.s, ruleEngineOf(a.s), clock), sweepTimeRules(b.s, ruleEngineOf(b.s), clock)]);
    expect(sa.fired + sb.fired).toBeLessThanOrEqual(5);

    // And through the cluster job on both nodes for a while: nothing more happens.
    const firstRun = (await jobLeaseRepository.find(a.s.db.m, TIME_RULES_JOB))?.lastRunAt ?? 0;
    clock += 1000;
    await until('the cluster job ran again', async () => ((await jobLeaseRepository.find(a.s.db.m, TIME_RULES_JOB))?.lastRunAt ?? 0) > firstRun);
    await a.s.bus.drain();
    await b.s.bus.drain();
    for (const id of ids) {
      const events = (await ticketEventRepository.listByTicket(a.s.db.m, id)).filter((e) => e.cause?.id === rule.id);
      expect(events.map((e) => e.type)).toEqual(['tag.added']);
    }
    const runs = await automationRuleRepository.runsOfRule(a.s.db.m, rule.id);
    expect(runs).toHaveLength(5);
    expect(runs.every((r) => r.outcome === 'done' && r.actions === 2)).toBe(true);
  });
});
