import { reportFactRepository, ticketFact } from '../src/db/repositories/report-fact.repository';
import { DB_KINDS, startTestChorus, type TestChorus } from './helpers/test-chorus';

describe.each(DB_KINDS)('reporting facts (%s)', (db) => {
  let t: TestChorus;
  beforeAll(async () => {
    t = await startTestChorus({ db });
  });
  afterAll(async () => t.stop());

  it('records facts in batches larger than one insert and reads them back per ticket', async () => {
    const ticket = { id: 9001, inboxId: 1, channel: 'email', teamId: null, visibility: 'private' as const };
    const rows = Array.from({ length: 1203 }, (_, i) => ticketFact(ticket, 'agent_reply', 1_000 + i, { agentId: 7, audience: 'participants', messageId: i }));
    await t.s.db.transaction(({ m }) => reportFactRepository.record(m, [ticketFact(ticket, 'ticket_created', 999, { contactId: 3 }), ...rows]));
    const back = await reportFactRepository.listByTicket(t.s.db.m, 9001);
    expect(back).toHaveLength(1204);
    expect(back[0]).toMatchObject({ kind: 'ticket_created', at: 999, ticketId: 9001, inboxId: 1, channel: 'email', contactId: 3, agentId: null, visibility: 'private' });
    expect(back[1203]).toMatchObject({ kind: 'agent_reply', at: 2202, agentId: 7, audience: 'participants', messageId: 1202 });
    await t.s.db.write((m) => reportFactRepository.deleteByTicket(m, [9001]));
    expect(await reportFactRepository.count(t.s.db.m)).toBe(0);
  });
});
