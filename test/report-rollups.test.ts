import type { InboundMessage } from '../src/channels/inbound-message';
import { agentRepository } from '../src/db/repositories/agent.repository';
import { reportFactRepository } from '../src/db/repositories/report-fact.repository';
import { setRollupReads } from '../src/db/repositories/report-rollup-query';
import { reportRollupRepository } from '../src/db/repositories/report-rollup.repository';
import { reportTouchChainRepository } from '../src/db/repositories/report-touch-chain';
import { ticketFact } from '../src/db/repositories/report-fact.repository';
import { ticketRepository } from '../src/db/repositories/ticket.repository';
import { addTag } from '../src/tickets/commands/add-tag';
import { reportOutcomeRepository } from '../src/db/repositories/report-outcome.repository';
import { contactRepository } from '../src/db/repositories/contact.repository';
import { askQuestion } from '../src/community/community.service';
import { mergeContacts } from '../src/contacts/commands/merge-contacts';
import { acceptAnswer } from '../src/tickets/commands/accept-answer';
import { ticketEventRepository } from '../src/db/repositories/ticket-event.repository';
import { messageRepository } from '../src/db/repositories/message.repository';
import { createInbox } from '../src/inboxes/create-inbox';
import { backfillFacts } from '../src/reports/backfill';
import { settleFacts } from '../src/reports/settle-facts';
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
import { DB_KINDS, jsonChannelModule, startTestChorus, type TestChorus } from './helpers/test-chorus';

// The daily rollups and the per-question outcome rows are kept by every insert, delete and patch
// of facts. After a mix of ticket changes spread over days and hours (replies, notes, solves,
// reopens, team moves, community questions answered, accepted or left alone, public posts
// answered late or never, merges and their undo, a split, visibility changes, a contact merge,
// a backfill), both equal what a rebuild from the facts gives, and every report view (community
// and exposure included) reads the same numbers from them as from the facts alone, in several
// time zones and with each filter.

const RAW = 'test.rollups';
const X_RAW = 'test.rollups.x';
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
    t = await startTestChorus({ db, modules: [...modules, testModule as never, jsonChannelModule(X_RAW, ['x']) as never], now: () => clock });
  });
  afterAll(async () => {
    setRollupReads(true);
    await t.stop();
  });

  // The kept rollups, touch links (report-touch-chain.ts) and outcome rows (every fact settled,
  // as a report read settles them), beside all rebuilt from the facts.
  const kept = async () => (await settleFacts(t.s.db), { rollups: await reportRollupRepository.listNonZero(t.s.db.m), links: await reportTouchChainRepository.listLinks(t.s.db.m), outcomes: await reportOutcomeRepository.listAll(t.s.db.m) });
  const rebuilt = async () => {
    await t.s.db.transaction(({ m }) => reportRollupRepository.rebuildFromFacts(m, { chunk: 7 }));
    return kept();
  };
  const views = async () => {
    const out: unknown[] = [];
    const teams = await agentRepository.listTeams(t.s.db.m);
    const bo = (await agentRepository.list(t.s.db.m)).find((a) => a.name === 'Bo')!.id;
    const filters = [{}, { channel: 'email' }, { inboxId: 1 }, { teamId: teams[0].id }, { agentId: t.admin.id }, { tag: 'export' }];
    // "Tickets handled" reads touch links per filter cell: the agents view under more filters.
    const agentFilters = [{ inboxId: 2 }, { teamId: teams[1].id }, { agentId: bo }, { agentId: t.admin.id, teamId: teams[0].id }, { teamId: teams[0].id, inboxId: 1 }, { tag: 'vip' }, { tag: 'vip', agentId: bo }];
    for (const tz of ['UTC', 'Asia/Kolkata', 'America/New_York']) {
      const ranges = [
        resolveRange({ range: 'custom', from: '2026-03-02', to: '2026-03-12', tz }, NOW), resolveRange({ range: 'today', tz }, T0 + 5 * 24 * H + 7 * H),
        resolveRange({ range: 'custom', from: '2026-03-07', to: '2026-03-21', tz }, NOW),
      ];
      for (const [i, range] of ranges.entries()) {
        if (i < 2) for (const f of filters) for (const view of VIEWS) out.push([tz, range.fromDate, f, view, await buildView(view, t.s.db.m, range, f, NOW)]);
        for (const f of [...(i < 2 ? [] : filters), ...agentFilters]) out.push([tz, range.fromDate, f, 'agents', await buildView('agents', t.s.db.m, range, f, NOW)]);
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
    const team2 = await agentRepository.insertTeam(t.s.db.m, 'Tier 2', T0);
    const sales = await createInbox(t.s.db, T0, { name: 'Sales', channel: 'email', address: 'sales@acme.test' });
    const ada = { kind: 'agent' as const, agentId: t.admin.id, role: 'admin' as const, name: 'Ada' };
    const mail = (from: string, subject: string, into = inbox) =>
      t.s.ingest.ingest(into, [{ key: `r${++n}`, raw: JSON.stringify({ channel: 'email', text: `hello ${n}`, subject, author: { kind: 'email', value: from } }), rawType: RAW }]).then((r) => r[0].ticketId!);

    // A deterministic mix of lives over twenty days, at odd hours (so zone edges cut through them).
    let x = 11;
    const rnd = (k: number) => ((x = (x * 1103515245 + 12345) % 2 ** 31), x % k);
    const ids: number[] = [];
    for (let i = 0; i < 24; i++) {
      clock = T0 + i * 19 * H + rnd(60) * 60_000;
      const id = await mail(`c${i % 7}@x.test`, `Question ${i}`, i % 8 === 7 ? sales : inbox);
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
      if (i % 3 === 1) await addTag(t.s.commands, ada, id, 'vip');
      // Moved to another team and touched again by the same agent days later: the agent's
      // touches then sit in two cells (mixed).
      if (i % 7 === 3) {
        clock += 2 * 24 * H + rnd(9) * H;
        await assign(t.s.commands, ada, id, { teamId: team2 });
        await addNote(t.s.commands, ada, id, { text: 'escalated' });
        clock += 5 * H;
        await addReply(t.s.commands, ada, id, { audience: 'participants', text: 'Tier 2 here.' });
        await assign(t.s.commands, ada, id, { teamId: team });
        await changeStatus(t.s.commands, ada, id, 'solved');
      }
    }
    expect(await kept()).toEqual(await rebuilt());

    // A touch dated before a ticket's stored touches (a late import) moves their links.
    const late = (await ticketRepository.findById(t.s.db.m, ids[8]))!;
    await t.s.db.transaction(({ m }) => reportFactRepository.record(m, [ticketFact(late, 'note', T0 + 8 * 19 * H - H, { agentId: t.admin.id }), ticketFact(late, 'agent_reply', T0 + 8 * 19 * H + 30 * 60_000, { agentId: bo })]));
    expect(await kept()).toEqual(await rebuilt());

    // Community questions: answered by members (accepted or not), by agents, solved with and
    // without an agent reply; public posts on X answered late, by a member, or never.
    const member = async (name: string) => {
      const contactId = await t.s.db.write(async (wm) => {
        const c = await contactRepository.create(wm, name, clock);
        await contactRepository.addIdentity(wm, c, { kind: 'email', value: `${name.toLowerCase()}@m.test`, verified: true }, clock);
        return c;
      });
      return { kind: 'contact' as const, contactId, name };
    };
    const members = [await member('Cleo'), await member('Dev'), await member('Eli'), await member('Devon')];
    const xInbox = await createInbox(t.s.db, T0, { name: '@acme', channel: 'x', settings: { accountId: '999', bearerToken: 'test-bearer-token', apiBaseUrl: 'http://127.0.0.1:9' } });
    const post = (who: number, thread: string, text: string) =>
      t.s.ingest.ingest(xInbox, [{ key: `x${++n}`, raw: JSON.stringify({ channel: 'x', text, subject: text, receivedAt: clock, audienceHint: 'public', threadKey: thread, externalId: `${thread}:${n}`,
        author: { kind: 'x', value: `u${who}`, handle: `user${who}`, followers: 100 * (who + 1) } }), rawType: X_RAW }]).then((r) => r[0].ticketId!);
    const questions: number[] = [];
    const posts: number[] = [];
    for (let i = 0; i < 12; i++) {
      clock = T0 + i * 29 * H + rnd(60) * 60_000;
      const asker = members[i % 3];
      const q = await askQuestion(t.s, asker, { title: `Question number ${i}`, body: 'How?', tags: i % 3 ? ['export'] : [], private: false });
      questions.push(q);
      clock += (1 + rnd(7)) * H;
      if (i % 3 === 1) await addReply(t.s.commands, ada, q, { audience: i % 2 ? 'public' : 'participants', text: 'Agent here.' });
      clock += rnd(4) * H + 7 * 60_000;
      const by = members[(i + 1 + (i % 2)) % 4];
      // (the asker writing again is a follow-up, not an answer)
      const answer = i % 4 !== 3 ? await contactReply(t.s.commands, by, q, { text: 'Try this.' }) : null;
      clock += (1 + rnd(9)) * H;
      if (answer && by !== asker && i % 2 === 0) await acceptAnswer(t.s.commands, asker, q, answer.id);
      else if (i % 5 === 1) await changeStatus(t.s.commands, ada, q, 'solved');
      if (i % 6 === 2) await addReply(t.s.commands, ada, q, { audience: 'public', text: 'Late agent word.' });

      clock = T0 + i * 31 * H + rnd(60) * 60_000;
      const p = await post(i % 5, `thread-${i}`, `Complaint ${i}`);
      posts.push(p);
      clock += (1 + rnd(11)) * H;
      if (i % 3 !== 2) await post(i % 5, `thread-${i}`, 'Still waiting');
      clock += (2 + rnd(20)) * H;
      if (i % 4 === 0) await addReply(t.s.commands, ada, p, { audience: 'public', text: 'Sorry.' });
      else if (i % 4 === 1) await addReply(t.s.commands, ada, p, { audience: 'participants', text: 'In private.' });
      if (i % 5 === 3) await changeVisibility(t.s.commands, ada, p, 'private');
    }
    await settleFacts(t.s.db);
    const outcomes = await reportOutcomeRepository.listAll(t.s.db.m);
    for (const kind of ['question', 'solve', 'post']) expect(outcomes.filter((o) => o.kind === kind).length).toBeGreaterThan(2);
    expect(outcomes.some((o) => o.kind === 'post' && o.answer_at === null)).toBe(true);
    expect(outcomes.some((o) => o.kind === 'solve' && o.answer_at === null)).toBe(true);
    expect(await kept()).toEqual(await rebuilt());

    // Merges (one undone, one across inboxes), a split, a customer writing back on a merged thread.
    clock = T0 + 19 * 24 * H;
    await mergeTicket(t.s.commands, ada, ids[15], ids[12]);
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
    // Both chains have touches after their pair changed cell (team moves, a merge across inboxes).
    const links = (await kept()).links;
    expect(links.filter((l) => l.agent_gap === 99).length).toBeGreaterThan(0);
    expect(links.filter((l) => l.team_gap === 99).length).toBeGreaterThan(0);
    // A question merged into another (and one of them undone), a public thread merged into another.
    await mergeTicket(t.s.commands, ada, questions[1], questions[0]);
    await mergeTicket(t.s.commands, ada, questions[3], questions[2]);
    clock += H;
    const qMerged = (await ticketEventRepository.listByTicket(t.s.db.m, questions[2])).find((e) => e.type === 'merged')!;
    await undoTicketEvent(t.s.commands, ada, questions[2], qMerged.id);
    await mergeTicket(t.s.commands, ada, posts[2], posts[1]);
    // Two logins of one person: answers between them stop answering each other's posts.
    clock += H;
    await mergeContacts(t.s.commands, ada, members[3].contactId, members[0].contactId);
    // The same move as the contact's facts see it when an address joins a contact (no rebuild
    // follows there): Dev's answer on Eli's question becomes Eli's own post, which no longer
    // ends the wait of Eli's question (a later agent reply does).
    const postAnswers = async () => (await settleFacts(t.s.db), await reportOutcomeRepository.listAll(t.s.db.m)).filter((o) => o.kind === 'post').map((o) => o.answer_at);
    const before = await postAnswers();
    await t.s.db.transaction(({ m }) => reportFactRepository.reassignContact(m, members[1].contactId, members[2].contactId));
    expect(await postAnswers()).not.toEqual(before);
    // An erased contact's facts name no one (erasure).
    await t.s.db.transaction(({ m }) => reportFactRepository.reassignContact(m, members[0].contactId, null));
    const facts = await reportFactRepository.count(t.s.db.m);
    expect(facts).toBeGreaterThan(100);
    expect(await kept()).toEqual(await rebuilt());

    await bothWays();
    // The community and exposure views compared above have something in them to compare.
    const range = resolveRange({ range: 'custom', from: '2026-03-02', to: '2026-03-12', tz: 'UTC' }, NOW);
    const value = (v: Awaited<ReturnType<typeof buildView>>, metric: string) => Number(v.tables[0].rows.find((r) => r.metric === metric)!.value);
    const community = await buildView('community', t.s.db.m, range, {}, NOW);
    for (const k of ['Questions asked', 'Answered by the community', 'Accepted community answers', 'Solved with no agent reply (deflection)']) expect(value(community, k)).toBeGreaterThan(0);
    expect(value(community, 'Deflection share of solved')).toBeLessThan(100);
    const exposure = await buildView('exposure', t.s.db.m, range, {}, NOW);
    for (const k of ['Public posts answered after a wait', 'Public posts still waiting', 'Reach-hours still waiting']) expect(value(exposure, k)).toBeGreaterThan(0);
    expect(exposure.tables[1].rows.some((r) => r.state === 'still waiting')).toBe(true);

    // A backfill replaces every ticket's facts, batch by batch, and moves the rollups with them.
    await backfillFacts(t.s.db, { batch: 5 });
    const afterBackfill = await kept();
    expect(afterBackfill.rollups.length).toBeGreaterThan(10);
    expect(afterBackfill.outcomes.length).toBeGreaterThan(10);
    expect(await rebuilt()).toEqual(afterBackfill);
  }, 240_000);
});
