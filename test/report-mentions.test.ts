import { createAgent } from '../src/agents/create-agent';
import { reportFactRepository } from '../src/db/repositories/report-fact.repository';
import { backfillFacts } from '../src/reports/backfill';
import { addNote } from '../src/tickets/commands/add-note';
import { addReply } from '../src/tickets/commands/add-reply';
import { mentionAgents } from '../src/tickets/commands/mention-agents';
import { DB_KINDS, apiInbox, postSigned, startTestChorus, type TestChorus } from './helpers/test-chorus';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const RANGE = 'range=custom&from=2026-01-05&to=2026-01-05&tz=UTC';

// "@mentions answered": a mention is a fact when it is made; the mentioned agent's next reply or
// note on the ticket answers it, and the report counts and times that from the facts alone.
describe.each(DB_KINDS)('@mentions answered (%s)', (db) => {
  let t: TestChorus;
  let clock = T0;
  const at = (min: number) => (clock = T0 + min * MIN);
  const as = (agentId: number, name: string) => ({ kind: 'agent' as const, agentId, role: 'agent' as const, name });

  beforeAll(async () => {
    t = await startTestChorus({ db, now: () => clock });
  });
  afterAll(async () => t.stop());

  it('records mentions and their answers live, the backfill derives the same, and the Agents view shows them', async () => {
    const ada = as(t.admin.id, 'Ada');
    const bo = as((await createAgent(t.s.db, T0, { email: 'bo@chorus.test', name: 'Bo', password: 'correct horse', role: 'agent' })).id, 'Bo');
    const cy = as((await createAgent(t.s.db, T0, { email: 'cy@chorus.test', name: 'Cy', password: 'correct horse', role: 'agent' })).id, 'Cy');
    const deps = { ...t.s.commands, publicUrl: t.url };
    const note = async (who: typeof ada, ticketId: number, text: string) => {
      const msg = await addNote(t.s.commands, who, ticketId, { text });
      await mentionAgents(deps, who, ticketId, msg.id, text);
      return msg;
    };
    at(0);
    const inbox = await apiInbox(t);
    const q = await postSigned(t, inbox, { externalId: 'mention-1', author: { id: 'c1', email: 'c1@example.com', name: 'Cleo' }, subject: 'Refund', text: 'I want my money back' });
    const id = q.body.ticketId as number;
    at(10);
    const m1 = await note(ada, id, '@bo can you check the refund?');
    at(40);
    const boAnswer = await note(bo, id, 'Checked: it went out yesterday.');
    at(50);
    const m3 = await note(ada, id, '@cy and @bo: please confirm the bank details');
    at(110);
    await addReply(t.s.commands, cy, id, { audience: 'participants', text: 'The refund is on its way.' });
    // Ada's own notes answer nobody's mention; a mention of yourself is no mention.
    at(120);
    await note(ada, id, '@ada remember to follow up');

    const mentionFacts = async () => (await reportFactRepository.listByTicket(t.s.db.m, id))
      .filter((f) => f.kind.startsWith('mention'))
      .map((f) => [f.kind, (f.at - T0) / MIN, f.agentId, f.messageId, f.wallMs === null ? null : f.wallMs / MIN])
      .sort((a, b) => Number(a[1]) - Number(b[1]) || String(a[0]).localeCompare(String(b[0])) || Number(a[2]) - Number(b[2]));
    const live = await mentionFacts();
    expect(live).toEqual([
      ['mention', 10, bo.agentId, m1.id, null],
      ['mention_answered', 40, bo.agentId, m1.id, 30],
      ['mention', 50, bo.agentId, m3.id, null],
      ['mention', 50, cy.agentId, m3.id, null],
      ['mention_answered', 110, cy.agentId, m3.id, 60],
    ]);
    expect(boAnswer.id).toBeGreaterThan(m1.id);

    await backfillFacts(t.s.db, { batch: 1 });
    expect(await mentionFacts()).toEqual(live);

    const r = await t.api('GET', `/api/reports/agents?${RANGE}`);
    expect(r.status).toBe(200);
    const rows = r.body.tables.agents.rows as { name: string; mentions: number; mentionsAnswered: number; mentionMedian: number | null }[];
    const pick = (name: string) => rows.filter((x) => x.name === name).map((x) => ({ mentions: x.mentions, answered: x.mentionsAnswered, median: x.mentionMedian }));
    expect(pick('Bo')).toEqual([{ mentions: 2, answered: 1, median: 30 }]);
    expect(pick('Cy')).toEqual([{ mentions: 1, answered: 1, median: 60 }]);
    expect(pick('Ada Admin')).toEqual([{ mentions: 0, answered: 0, median: null }]);

    // Filtered to one agent: their mentions only.
    const onlyBo = await t.api('GET', `/api/reports/agents?${RANGE}&agent=${bo.agentId}`);
    expect((onlyBo.body.tables.agents.rows as typeof rows).map((x) => [x.name, x.mentions, x.mentionsAnswered])).toEqual([['Bo', 2, 1]]);

    const csv = await fetch(`${t.url}/api/reports/agents/agents.csv?${RANGE}`, { headers: { authorization: `Bearer ${t.admin.token}` } });
    const lines = (await csv.text()).trim().split(/\r?\n/);
    expect(lines[0]).toContain('Mentions received,Mentions answered,"Time to answer a mention, median"');
    // The CSAT columns (share Good, average, ratings) follow the mention columns.
    expect(lines.find((l) => l.startsWith('Bo,'))).toMatch(/,2,1,30,,,0$/);
    expect(lines.find((l) => l.startsWith('Cy,'))).toMatch(/,1,1,60,,,0$/);
  });
});
