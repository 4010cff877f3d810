import { createInbox } from '../../src/inboxes/create-inbox';
import { listeningItemRepository, type ListenedPost } from '../../src/db/repositories/listening-item.repository';
import { listeningStreamRepository } from '../../src/db/repositories/listening-stream.repository';
import { convertItem } from '../../src/listening/commands/convert-item';
import { backfillFacts } from '../../src/reports/backfill';
import { addReply } from '../../src/tickets/commands/add-reply';
import { DB_KINDS, startTestChorus, type TestChorus } from '../helpers/test-chorus';

// Public exposure (followers × hours until the first public answer) of a post Chorus heard
// through a listening stream: it counts from the post's own time, not from when an agent (or a
// rule) made it a ticket. Worked out by hand:
//   Ana (2,000 followers) posts Tue 2026-03-10 08:00 UTC; found and left in the listening view;
//   11:00 an agent converts it (a public ticket); 13:00 the report: still waiting 5 h = 10,000
//   reach-hours (from the conversion it would be 2 h = 4,000); 14:00 Ada answers publicly:
//   answered after 6 h = 12,000 reach-hours, nothing waiting at 15:00. A backfill reads the same.
const at = (hh: number) => Date.UTC(2026, 2, 10, hh);
const RANGE = 'range=custom&from=2026-03-10&to=2026-03-10';

describe.each(DB_KINDS)('public exposure of a listened post (%s)', (db) => {
  let t: TestChorus;
  let clock = at(7);
  beforeAll(async () => {
    t = await startTestChorus({ db, env: { CHORUS_WORKERS: 'false' }, now: () => clock });
  });
  afterAll(async () => { await t.stop(); });

  const exposure = async () => {
    const r = await t.api('GET', `/api/reports/exposure?${RANGE}`);
    expect(r.status).toBe(200);
    const tables = r.body.tables as Record<string, { rows: Record<string, unknown>[] }>;
    return {
      summary: Object.fromEntries(tables.summary.rows.map((x) => [x.metric ?? x.label, x.value])),
      worst: tables.worst.rows,
    };
  };

  it('counts from the post\'s time while it waits and once answered, live and after a backfill', async () => {
    await createInbox(t.s.db, clock, { name: 'Acme on Mastodon', channel: 'mastodon', settings: { apiBaseUrl: 'http://127.0.0.1:9', accessToken: 'masto-token' } });
    const stream = await t.s.db.write((m) => listeningStreamRepository.insert(m, {
      name: 'Brand', platform: 'mastodon', query: { keywords: ['acme'], phrases: [], hashtags: [], exclusions: [], language: null }, settings: null,
      enabled: false, pollSeconds: 60, cursor: null, lastPolledAt: null, lastError: null, nextPollAt: null, createdBy: null, createdAt: clock, updatedAt: clock,
    }));
    const post: ListenedPost = {
      platform: 'mastodon', externalId: '7001', authorId: '42', authorHandle: 'ana@fake.social', authorName: 'Ana', authorUrl: 'https://fake.social/@ana',
      authorFollowers: 2000, text: 'acme router dropped my call again', language: 'en', url: 'https://fake.social/@ana/7001', postedAt: at(8),
      raw: { id: '7001', created_at: new Date(at(8)).toISOString(), visibility: 'public', content: '<p>acme router dropped my call again</p>', account: { id: '42', acct: 'ana@fake.social', followers_count: 2000 } },
    };
    clock = at(8) + 60_000;
    const itemId = await t.s.db.write(async (m) => (await listeningItemRepository.upsertMatchedPost(m, post, stream.id, 'acme', clock)).itemId);

    clock = at(11);
    const ticket = await convertItem(t.s, itemId, { by: { kind: 'agent', agentId: t.admin.id } });
    clock = at(13);
    const waiting = await exposure();
    expect(waiting.summary).toMatchObject({ 'Public posts still waiting': 1, 'Reach-hours still waiting': 10_000, 'Public posts answered after a wait': 0, 'Reach-hours in all': 10_000 });
    expect(waiting.worst).toEqual([expect.objectContaining({ ticket: ticket.id, reach: 2000, hours: 5, reachHours: 10_000, state: 'still waiting' })]);

    clock = at(14);
    const ada = { kind: 'agent' as const, agentId: t.admin.id, role: 'admin' as const, name: 'Ada' };
    await addReply(t.s.commands, ada, ticket.id, { audience: 'public', text: 'Sorry Ana, we are on it.' });
    clock = at(15);
    const answered = await exposure();
    expect(answered.summary).toMatchObject({ 'Public posts answered after a wait': 1, 'Reach-hours until answered': 12_000, 'Public posts still waiting': 0, 'Reach-hours in all': 12_000 });
    expect(answered.worst).toEqual([expect.objectContaining({ ticket: ticket.id, hours: 6, reachHours: 12_000, state: 'answered' })]);

    await backfillFacts(t.s.db, { batch: 2 });
    expect(await exposure()).toEqual(answered);
  });
});
