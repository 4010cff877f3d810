import type { InboundMessage } from '../src/channels/inbound-message';
import { agentRepository } from '../src/db/repositories/agent.repository';
import { reportFactRepository } from '../src/db/repositories/report-fact.repository';
import { setRollupReads } from '../src/db/repositories/report-rollup-query';
import { reportRollupRepository } from '../src/db/repositories/report-rollup.repository';
import { ticketEventRepository } from '../src/db/repositories/ticket-event.repository';
import { messageRepository } from '../src/db/repositories/message.repository';
import { createInbox } from '../src/inboxes/create-inbox';
import { backfillFacts } from '../src/reports/backfill';
import { resolveRange } from '../src/reports/report-range';
import { buildView, VIEWS } from '../src/reports/report-views';
import { addNote } from '../src/tickets/commands/add-note';
import { addReply } from '../src/tickets/commands/add-reply';
import { assign } from '../src/tickets/commands/assign';
import { changeStatus } from '../src/tickets/commands/change-status';
import { changeVisibility } from '../src/tickets/commands/change-visibility';
import { contactReply } from '../src/tickets/commands/contact-reply';
import { mergeTicket } from '../src/tickets/commands/merge-ticket';
import { splitTicket } from '../src/tickets/commands/split-ticket';
import { undoTicketEvent } from '../src/tickets/commands/undo-ticket-event';
import { createAgent } from '../src/agents/create-agent';
import { DB_KINDS, startTestChorus, type TestChorus } from './helpers/test-chorus';

// The daily rollups are kept by every insert and delete of facts. After a mix of ticket changes
// spread over days and hours (replies, notes, solves, reopens, team moves, merges and their undo,
// a split, a backfill), the kept rollups equal rollups rebuilt from the facts, and every report
// view reads the same numbers from the rollups as from the facts alone, in several time zones
// and with each filter.

const RAW = 'test.rollups';
const testModule = {
  name: 'rollups-channel',
  register: (s: TestChorus['s']) => s.parsers.register({ channels: ['email'], parsers: { [RAW]: async (raw: string) => JSON.parse(raw) as InboundMessage } }),
};
const H = 3_600_000;
const T0 = Date.UTC(2026, 2, 1, 0, 0, 0);
const NOW = Date.UTC(2026, 2, 21, 12, 0, 0);

describe.each(DB_KINDS)('report rollups (%s)', (db) => {
  let t: TestChorus;
  let clock = T0;
  let n = 0;

  beforeAll(async () => {
    const { modules } = await import('../src/modules');
    t = await startTestChorus({ db, modules: [...modules, testModule as never], now: () => clock });
  });
  afterAll(async () => {
    setRollupReads(true);
    await t.stop();
  });

  const kept = () => reportRollupRepository.listNonZero(t.s.db.m);
  const rebuilt = async () => {
    await t.s.db.transaction(({ m }) => reportRollupRepository.rebuildFromFacts(m, { chunk: 7 }));
    return kept();
  };
  const views = async () => {
    const out: unknown[] = [];
    const teams = await agentRepository.listTeams(t.s.db.m);
    const filters = [{}, { channel: 'email' }, { inboxId: 1 }, { teamId: teams[0].id }, { agentId: t.admin.id }];
    for (const tz of ['UTC', 'Asia/Kolkata', 'America/New_York']) {
      for (const range of [resolveRange({ range: 'custom', from: '2026-03-02', to: '2026-03-12', tz }, NOW), resolveRange({ range: 'today', tz }, T0 + 5 * 24 * H + 7 * H)]) {
        for (const f of filters) for (const view of VIEWS) out.push([tz, range.fromDate, f, view, await buildView(view, t.s.db.m, range, f, NOW)]);
      }
    }
    return out;
  };
  const bothWays = async () => {
    setRollupReads(false);
    const fromFacts = await views();
    setRollupReads(true);
    expect(await views()).toEqual(fromFacts);
  };

  it('stay equal to rollups rebuilt from the facts, and the views read the same numbers as from the facts', async () => {
    const inbox = await createInbox(t.s.db, T0, { name: 'Support', channel: 'email', address: 'support@acme.test' });
    const bo = (await createAgent(t.s.db, T0, { email: 'bo@acme.test', name: 'Bo', password: null, role: 'agent' })).id;
    const team = await agentRepository.insertTeam(t.s.db.m, 'Tier 1', T0);
    const ada = { kind: 'agent' as const, agentId: t.admin.id, role: 'admin' as const, name: 'Ada' };
    const mail = (from: string, subject: string) =>
      t.s.ingest.ingest(inbox, [{ key: `r${++n}`, raw: JSON.stringify({ channel: 'email', text: `hello ${n}`, subject, author: { kind: 'email', value: from } }), rawType: RAW }]).then((r) => r[0].ticketId!);

    // A deterministic mix of lives over twenty days, at odd hours (so zone edges cut through them).
    let x = 11;
    const rnd = (k: number) => ((x = (x * 1103515245 + 12345) % 2 ** 31), x % k);
    const ids: number[] = [];
    for (let i = 0; i < 24; i++) {
      clock = T0 + i * 19 * H + rnd(60) * 60_000;
      const id = await mail(`c${i % 7}@x.test`, `Question ${i}`);
      ids.push(id);
      if (i % 3 === 0) await assign(t.s.commands, ada, id, { teamId: team });
      clock += (1 + rnd(9)) * H;
      await assign(t.s.commands, ada, id, { agentId: i % 2 ? bo : t.admin.id });
      await addReply(t.s.commands, ada, id, { audience: 'participants', text: 'Try this.', status: rnd(3) ? 'solved' : undefined });
      clock += rnd(5) * H;
      if (rnd(2)) await addNote(t.s.commands, ada, id, { text: 'old plan' });
      if (i % 4 === 1) {
        clock += 13 * H;
        await changeStatus(t.s.commands, ada, id, 'open');
        await changeStatus(t.s.commands, ada, id, 'solved');
      }
      if (i % 5 === 2) await assign(t.s.commands, ada, id, { teamId: i % 2 ? null : team });
      if (i % 6 === 5) await changeVisibility(t.s.commands, ada, id, 'public');
    }
    expect(await kept()).toEqual(await rebuilt());

    // Merges (one undone), a split, a customer writing back on a merged thread.
    clock = T0 + 19 * 24 * H;
    await mergeTicket(t.s.commands, ada, ids[1], ids[0]);
    await mergeTicket(t.s.commands, ada, ids[3], ids[2]);
    await mergeTicket(t.s.commands, ada, ids[2], ids[4]);
    clock += 2 * H;
    const merged = (await ticketEventRepository.listByTicket(t.s.db.m, ids[4])).find((e) => e.type === 'merged')!;
    await undoTicketEvent(t.s.commands, ada, ids[4], merged.id);
    const msgs = await messageRepository.listByTicket(t.s.db.m, ids[6]);
    clock += H;
    await contactReply(t.s.commands, { kind: 'contact', contactId: msgs[0].authorContactId!, name: 'C' }, ids[6], { text: 'one more thing' }).catch(() => undefined);
    const all = await messageRepository.listByTicket(t.s.db.m, ids[6]);
    if (all.length > 1) await splitTicket(t.s.commands, ada, ids[6], [all[all.length - 1].id]);
    const facts = await reportFactRepository.count(t.s.db.m);
    expect(facts).toBeGreaterThan(100);
    expect(await kept()).toEqual(await rebuilt());

    await bothWays();

    // A backfill replaces every ticket's facts, batch by batch, and moves the rollups with them.
    await backfillFacts(t.s.db, { batch: 5 });
    const afterBackfill = await kept();
    expect(afterBackfill.length).toBeGreaterThan(10);
    expect(await rebuilt()).toEqual(afterBackfill);
  }, 240_000);
});
