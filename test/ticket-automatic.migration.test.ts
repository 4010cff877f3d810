import { TicketSubjectSearchRepair1764000015100 } from '../migrations/1764000015100-ticket-subject-search-repair';
import { searchSubjects } from '../src/db/repositories/search.repository';
import { startTestChorus, type TestChorus } from './helpers/test-chorus';

const TRIGGERS = ['tickets_fts_ad', 'tickets_fts_ai', 'tickets_fts_au'];

// Adding the automatic flag must not cost SQLite its subject search (a table rebuild drops triggers).
describe('the automatic-ticket migration on SQLite', () => {
  let t: TestChorus;
  beforeAll(async () => (t = await startTestChorus()));
  afterAll(async () => t.stop());
  const triggers = async () => ((await t.s.db.m.query("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'tickets' ORDER BY name")) as { name: string }[]).map((r) => r.name);
  const newTicket = async (subject: string) => (await t.api('POST', '/api/tickets', { inboxId: inboxId, subject, requester: { email: 'x@client.test' } })).body.ticket.id as number;
  let inboxId = 0;

  it('keeps the subject-search triggers, and puts them back where an earlier run lost them', async () => {
    inboxId = (await t.api('POST', '/api/inboxes', { name: 'Desk', channel: 'webform', settings: { slug: 'desk' } })).body.inbox.id;
    expect(await triggers()).toEqual(TRIGGERS);
    const first = await newTicket('Quasar lamp flickers');
    expect((await searchSubjects(t.s.db.m, 'quasar', 10)).map((h) => h.ticketId)).toEqual([first]);

    for (const name of TRIGGERS) await t.s.db.m.query(`DROP TRIGGER ${name}`);
    const lost = await newTicket('Quasar lamp hums');
    expect((await searchSubjects(t.s.db.m, 'hums', 10))).toEqual([]);
    const q = t.s.db.ds.createQueryRunner();
    try {
      await new TicketSubjectSearchRepair1764000015100().up(q);
    } finally {
      await q.release();
    }
    expect(await triggers()).toEqual(TRIGGERS);
    expect((await searchSubjects(t.s.db.m, 'hums', 10)).map((h) => h.ticketId)).toEqual([lost]);
    const later = await newTicket('Quasar lamp sparks');
    expect((await searchSubjects(t.s.db.m, 'quasar', 10)).map((h) => h.ticketId)).toEqual([later, lost, first]);
  });
});
