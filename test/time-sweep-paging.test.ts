import { automationRuleRepository } from '../src/db/repositories/automation-rule.repository';
import { createInbox } from '../src/inboxes/create-inbox';
import { DB_KINDS, startTestChorus, type TestChorus } from './helpers/test-chorus';

// The time sweep's keyset pages over (since, id): every due ticket exactly once, in order, even
// when many entered their state at the same moment (a page boundary falls inside such a run);
// and the database answers each page from the (status, status_changed_at) index.
describe.each(DB_KINDS)('time-rule candidates, paged (%s)', (db) => {
  let t: TestChorus;
  const T = 1_700_000_000_000;

  beforeAll(async () => {
    t = await startTestChorus({ db });
    const inbox = await createInbox(t.s.db, T, { name: 'Paging', channel: 'email', address: 'paging@acme.test' });
    const contact = Number((await t.s.db.m.query(`INSERT INTO contacts (name, reputation, banned, created_at) VALUES ('P', 0, false, ${T}) RETURNING id`))[0].id);
    const rows: string[] = [];
    // 250 tickets: solved in runs of 7 at the same millisecond, every tenth one still open.
    for (let j = 0; j < 250; j++) {
      const at = T + Math.floor(j / 7) * 1000;
      rows.push(`('P ${j}', '${j % 10 === 9 ? 'open' : 'solved'}', 'normal', 'private', ${contact}, ${inbox.id}, 'email', 1, ${at}, ${at}, ${at}, ${at})`);
    }
    await t.s.db.write((m) => m.query(`INSERT INTO tickets (subject, status, priority, visibility, requester_id, inbox_id, channel, message_count, last_activity_at, created_at, updated_at, status_changed_at) VALUES ${rows.join(',')}`));
  });
  afterAll(async () => t.stop());

  it('reads every due ticket once, oldest first, across pages that split a run of equal times', async () => {
    const upTo = T + 30 * 1000;
    const seen: { id: number; since: number }[] = [];
    let from: { since: number; id: number } | undefined;
    for (;;) {
      const page = await automationRuleRepository.timeCandidates(t.s.db.m, 'solved', { after: T + 2000, upTo, from }, 10);
      seen.push(...page.map((c) => ({ id: c.ticket.id, since: c.since })));
      if (page.length < 10) break;
      from = { since: page[page.length - 1].since, id: page[page.length - 1].ticket.id };
    }
    const all = (await t.s.db.m.query(`SELECT id, status_changed_at AS s FROM tickets WHERE status = 'solved' AND status_changed_at > ${T + 2000} AND status_changed_at <= ${upTo} ORDER BY status_changed_at, id`)) as { id: number; s: number }[];
    expect(all.length).toBeGreaterThan(100);
    expect(seen).toEqual(all.map((r) => ({ id: Number(r.id), since: Number(r.s) })));
  });

  it('plans a later page as a range of the state index, not a scan', async () => {
    const range = { after: null, upTo: T + 30_000, from: { since: T + 10_000, id: 50 } };
    if (db === 'sqlite') {
      const plan = (await automationRuleRepository.explainTimeCandidates(t.s.db.m, 'solved', range, 10)).join('\n');
      expect(plan).toMatch(/SEARCH t USING INDEX ix_tickets_status_changed \(status=\? AND status_changed_at>\? AND status_changed_at<\?\)/);
      return;
    }
    // A table this small is cheaper to scan for Postgres: with scans priced out, the plan shows
    // which index bounds it can use (the bench shows the index chosen on its own at scale).
    const plan = await t.s.db.transaction(async (tx) => {
      await tx.m.query('SET LOCAL enable_seqscan = off');
      return (await automationRuleRepository.explainTimeCandidates(tx.m, 'solved', range, 10)).join('\n');
    });
    expect(plan).toMatch(/Index Cond: \(\(\(status\)::text = 'solved'::text\) AND \(status_changed_at <= '\d+'::bigint\) AND \(status_changed_at >= '\d+'::bigint\)\)/);
  });
});
