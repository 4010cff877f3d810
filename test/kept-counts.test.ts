import fc from 'fast-check';
import { createAgent } from '../src/agents/create-agent';
import { agentRepository } from '../src/db/repositories/agent.repository';
import { messageRepository } from '../src/db/repositories/message.repository';
import { ticketCountRepository } from '../src/db/repositories/ticket-count.repository';
import { ticketEventRepository } from '../src/db/repositories/ticket-event.repository';
import { ticketRepository } from '../src/db/repositories/ticket.repository';
import { contactReply } from '../src/tickets/commands/contact-reply';
import { AppError } from '../src/errors';
import { createInbox } from '../src/inboxes/create-inbox';
import { reconcileCounts } from '../src/tickets/reconcile-counts';
import { addReply } from '../src/tickets/commands/add-reply';
import { addTag } from '../src/tickets/commands/add-tag';
import { assign } from '../src/tickets/commands/assign';
import { changeStatus } from '../src/tickets/commands/change-status';
import { closeSolvedTicket } from '../src/tickets/commands/close-solved-ticket';
import { createTicket } from '../src/tickets/commands/create-ticket';
import { mergeTicket } from '../src/tickets/commands/merge-ticket';
import { removeTag } from '../src/tickets/commands/remove-tag';
import { restoreTicket } from '../src/tickets/commands/restore-ticket';
import { snoozeTicket, unsnoozeTicket } from '../src/tickets/commands/snooze-ticket';
import { splitTicket } from '../src/tickets/commands/split-ticket';
import { undoTicketEvent } from '../src/tickets/commands/undo-ticket-event';
import { wakeDueTicket } from '../src/tickets/commands/wake-ticket';
import { DB_KINDS, jsonChannelModule, startTestChorus, type TestChorus } from './helpers/test-chorus';

// The inbox counts are kept by every ticket change in its own transaction. After any mix of
// commands — mail in (new, automatic, historic imports, replies that reopen or wake), assignment,
// team moves, status changes, snoozes and wake-ups, tags, merges and their undo, splits,
// auto-close, restore — the kept counts equal a fresh count of the tickets; and the
// reconciliation job repairs a counter that was corrupted behind the app's back.

const RAW = 'test.kept-counts';
const H = 3_600_000;
type Op =
  | { kind: 'mail'; from: number; automatic: boolean; historic: boolean }
  | { kind: 'reply-mail'; pick: number }
  | { kind: 'create'; tag: number | null }
  | { kind: 'assign'; pick: number; agent: number | null }
  | { kind: 'team'; pick: number; team: number | null }
  | { kind: 'status'; pick: number; to: 'new' | 'open' | 'pending' | 'solved' | 'closed' }
  | { kind: 'snooze'; pick: number; hours: number | null }
  | { kind: 'unsnooze'; pick: number }
  | { kind: 'wake'; pick: number }
  | { kind: 'tag'; pick: number; tag: number }
  | { kind: 'untag'; pick: number; tag: number }
  | { kind: 'merge'; pick: number; into: number }
  | { kind: 'undo-merge'; pick: number }
  | { kind: 'split'; pick: number }
  | { kind: 'auto-close'; pick: number }
  | { kind: 'restore'; pick: number }
  | { kind: 'agent-reply'; pick: number; solve: boolean };

const pick = fc.nat(1000);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('mail' as const), from: fc.nat(6), automatic: fc.boolean(), historic: fc.boolean() }),
  fc.record({ kind: fc.constant('reply-mail' as const), pick }),
  fc.record({ kind: fc.constant('create' as const), tag: fc.option(fc.nat(3)) }),
  fc.record({ kind: fc.constant('assign' as const), pick, agent: fc.option(fc.nat(2)) }),
  fc.record({ kind: fc.constant('team' as const), pick, team: fc.option(fc.nat(1)) }),
  fc.record({ kind: fc.constant('status' as const), pick, to: fc.constantFrom('new' as const, 'open' as const, 'pending' as const, 'solved' as const, 'closed' as const) }),
  fc.record({ kind: fc.constant('snooze' as const), pick, hours: fc.option(fc.integer({ min: 1, max: 48 })) }),
  fc.record({ kind: fc.constant('unsnooze' as const), pick }),
  fc.record({ kind: fc.constant('wake' as const), pick }),
  fc.record({ kind: fc.constant('tag' as const), pick, tag: fc.nat(3) }),
  fc.record({ kind: fc.constant('untag' as const), pick, tag: fc.nat(3) }),
  fc.record({ kind: fc.constant('merge' as const), pick, into: pick }),
  fc.record({ kind: fc.constant('undo-merge' as const), pick }),
  fc.record({ kind: fc.constant('split' as const), pick }),
  fc.record({ kind: fc.constant('auto-close' as const), pick }),
  fc.record({ kind: fc.constant('restore' as const), pick }),
  fc.record({ kind: fc.constant('agent-reply' as const), pick, solve: fc.boolean() }),
);
const TAGS = ['billing', 'bug', 'vip', 'refund'];

describe.each(DB_KINDS)('kept inbox counts (%s)', (db) => {
  let t: TestChorus;
  let clock = Date.UTC(2026, 4, 1, 9);
  let n = 0;
  const ids: number[] = [];
  let agents: number[] = [];
  let teams: number[] = [];
  let inbox: Awaited<ReturnType<typeof createInbox>>;
  const ada = () => ({ kind: 'agent' as const, agentId: t.admin.id, role: 'admin' as const, name: 'Ada' });

  beforeAll(async () => {
    t = await startTestChorus({ db, modules: [...(await import('../src/modules')).modules, jsonChannelModule(RAW)], now: () => clock, env: { CHORUS_WORKERS: 'false' } });
    inbox = await createInbox(t.s.db, clock, { name: 'Support', channel: 'email', address: 'support@counts.test' });
    agents = [t.admin.id];
    for (const name of ['Bo', 'Cy']) agents.push((await createAgent(t.s.db, clock, { email: `${name.toLowerCase()}@counts.test`, name, password: null, role: 'agent' })).id);
    for (const name of ['Tier 1', 'Tier 2']) teams.push(await agentRepository.insertTeam(t.s.db.m, name, clock));
  }, 60_000);
  afterAll(async () => {
    await t?.stop();
  });

  const mail = async (from: number, opts: { automatic?: boolean; historic?: boolean } = {}) => {
    const msg = {
      channel: 'email', subject: `Question ${++n}`, text: `hello ${n}`, author: { kind: 'email', value: `c${from}@x.test` },
      ...(opts.automatic ? { noise: { autoReply: true, reason: 'Auto-Submitted: auto-replied' } } : {}),
    };
    const [r] = await t.s.ingest.ingest(inbox, [{ key: `k${++n}`, raw: JSON.stringify(msg), rawType: RAW, historic: opts.historic }]);
    if (r.ticketId && !ids.includes(r.ticketId)) ids.push(r.ticketId);
  };
  const some = (i: number) => ids[i % ids.length];
  const tolerate = async (fn: () => Promise<unknown>) => {
    try {
      await fn();
    } catch (err) {
      // Refusals (a closed ticket cannot be snoozed, merged into, …) are part of the mix.
      if (!(err instanceof AppError)) throw err;
    }
  };

  async function apply(op: Op): Promise<void> {
    const c = t.s.commands;
    clock += 7 * 60_000;
    if (op.kind === 'mail') return mail(op.from, op);
    if (op.kind === 'create') {
      const r = await createTicket(c, ada(), { inboxId: inbox.id, subject: `Made ${++n}`, requester: { identity: { kind: 'email', value: `made${n % 4}@x.test` } }, message: { text: 'on the phone', audience: 'participants' }, tags: op.tag === null ? [] : [TAGS[op.tag]] });
      ids.push(r.id);
      return;
    }
    if (!ids.length) return;
    const id = some(op.pick);
    switch (op.kind) {
      case 'reply-mail': {
        const msgs = await messageRepository.listByTicket(t.s.db.m, id);
        const author = msgs.find((x) => x.authorContactId !== null)?.authorContactId;
        if (author) await tolerate(() => contactReply(c, { kind: 'contact', contactId: author, name: 'C' }, id, { text: 'any news?' }));
        return;
      }
      case 'assign': return tolerate(() => assign(c, ada(), id, { agentId: op.agent === null ? null : agents[op.agent] }));
      case 'team': return tolerate(() => assign(c, ada(), id, { teamId: op.team === null ? null : teams[op.team] }));
      case 'status': return tolerate(() => changeStatus(c, ada(), id, op.to));
      case 'snooze': return tolerate(() => snoozeTicket(c, ada(), id, op.hours === null ? null : clock + op.hours * H));
      case 'unsnooze': return tolerate(() => unsnoozeTicket(c, ada(), id));
      case 'wake': {
        clock += 49 * H;
        return tolerate(() => wakeDueTicket(c, id));
      }
      case 'tag': return tolerate(() => addTag(c, ada(), id, TAGS[op.tag]));
      case 'untag': return tolerate(() => removeTag(c, ada(), id, TAGS[op.tag]));
      case 'merge': return tolerate(() => mergeTicket(c, ada(), id, some(op.into)));
      case 'undo-merge': {
        const merged = (await ticketEventRepository.listByTicket(t.s.db.m, id)).filter((e) => e.type === 'merged').pop();
        if (merged) await tolerate(() => undoTicketEvent(c, ada(), id, merged.id));
        return;
      }
      case 'split': {
        const msgs = await messageRepository.listByTicket(t.s.db.m, id);
        if (msgs.length > 1) {
          const r = await tolerate(async () => ids.push((await splitTicket(c, ada(), id, [msgs[msgs.length - 1].id])).newTicketId));
          return r as undefined;
        }
        return;
      }
      case 'auto-close': {
        clock += 4 * 24 * H;
        return tolerate(() => closeSolvedTicket(c, id, 3));
      }
      case 'restore': return tolerate(() => restoreTicket(c, ada(), id));
      case 'agent-reply': return tolerate(() => addReply(c, ada(), id, { audience: 'participants', text: 'Try this.', status: op.solve ? 'solved' : undefined }));
    }
  }

  const kept = () => ticketCountRepository.keptCounts(t.s.db.m);
  const fresh = () => ticketCountRepository.freshCounts(t.s.db.m);

  it('equal a fresh count after any mix of ticket commands', async () => {
    const seen = new Set<string>();
    await fc.assert(fc.asyncProperty(fc.array(opArb, { minLength: 20, maxLength: 60 }), async (ops) => {
      for (const op of ops) {
        await apply(op);
        for (const g of await ticketCountRepository.groups(t.s.db.m)) {
          if (g.snoozed) seen.add('snoozed');
          if (g.automatic) seen.add('automatic');
          if (g.teamId !== null && g.assigneeId !== null) seen.add('team+agent');
          seen.add(g.status);
        }
        if (Object.keys((await kept()).tags).length) seen.add('tags');
      }
      expect(await kept()).toEqual(await fresh());
    }), { numRuns: 10, seed: 1764, endOnFailure: true });
    // The mix reached the interesting states.
    expect([...seen].sort()).toEqual(['automatic', 'closed', 'new', 'open', 'pending', 'snoozed', 'solved', 'tags', 'team+agent']);
    expect((await t.s.db.m.query('SELECT COUNT(*) AS n FROM tickets WHERE merged_into_id IS NOT NULL'))[0].n).not.toBe(0);
  }, 300_000);

  it('the inbox page shows the kept counts', async () => {
    const { keys } = await kept();
    const expected = Object.entries(keys).filter(([k]) => k.startsWith('t|') && k.split('|')[2] === '0').reduce((s, [, v]) => s + v, 0);
    const live = await t.api('GET', '/inbox/live?view=unassigned');
    expect(live.status).toBe(200);
    expect(live.body.counts.unassigned).toBe(expected);
    expect(live.body.total).toBe(expected);
    const mine = await ticketRepository.count(t.s.db.m, { status: ['new', 'open', 'pending'], assigneeId: t.admin.id, automatic: false, snoozed: false });
    expect(live.body.counts.mine).toBe(mine);
  });

  it('the reconciliation repairs corrupted counters and stale keys, and says so', async () => {
    const { keys, tags } = await kept();
    const [someKey] = Object.keys(keys);
    await ticketCountRepository.setForTest(t.s.db.m, someKey, keys[someKey] + 17);
    // A write behind the commands' back: the ticket moved, its kept key did not.
    const [victim] = await t.s.db.m.query(`SELECT id FROM tickets WHERE merged_into_id IS NULL AND status <> 'pending' ORDER BY id LIMIT 1`);
    await t.s.db.m.query(`UPDATE tickets SET status = 'pending' WHERE id = ${Number(victim.id)}`);
    // A tag counter lost.
    const [someTag] = Object.keys(tags);
    await t.s.db.m.query(`DELETE FROM ticket_tag_counts WHERE tag = '${someTag}'`);
    expect(await kept()).not.toEqual(await fresh());

    const fixed = await reconcileCounts(t.s, { chunk: 7 });
    expect(fixed.tickets).toBe(1);
    expect(fixed.keys).toBe(1);
    expect(fixed.tags).toBe(1);
    expect(await kept()).toEqual(await fresh());
    const metrics = await t.s.metrics.registry.getSingleMetricAsString('chorus_kept_counts_repaired_total');
    expect(metrics).toMatch(/kind="keys"} [1-9]/);

    // Nothing left to fix: a second pass changes nothing.
    expect(await reconcileCounts(t.s, { chunk: 7 })).toEqual({ tickets: 0, keys: 0, tags: 0 });
  }, 60_000);

  it('a ticket about to be deleted leaves the counts with its tags; the reconciliation counts it again if it stays', async () => {
    const c = await createTicket(t.s.commands, ada(), { inboxId: inbox.id, subject: 'To be erased', requester: { identity: { kind: 'email', value: 'gone@x.test' } }, message: { text: 'bye', audience: 'participants' }, tags: ['billing'] });
    const before = await kept();
    const [{ k }] = await t.s.db.m.query(`SELECT count_key AS k FROM tickets WHERE id = ${Number(c.id)}`);
    await t.s.db.transaction(({ m }) => ticketCountRepository.forget(m, [c.id]));
    const after = await kept();
    expect(after.keys[k] ?? 0).toBe(before.keys[k] - 1);
    expect(after.tags.billing ?? 0).toBe(before.tags.billing - 1);
    expect(await reconcileCounts(t.s)).toMatchObject({ tickets: 1 });
    expect(await kept()).toEqual(before);
  });

  it('a rebuild from the rows (after a bulk load; the migration runs the same statements) gives the same counts', async () => {
    const before = await kept();
    await t.s.db.write(async (m) => {
      for (const sql of ticketCountRepository.rebuildSql()) await m.query(sql);
    });
    expect(await kept()).toEqual(before);
    expect(await kept()).toEqual(await fresh());
  });
});
