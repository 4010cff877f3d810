import { listeningItemRepository } from '../../src/db/repositories/listening-item.repository';
import { listeningStreamRepository } from '../../src/db/repositories/listening-stream.repository';
import { createInbox } from '../../src/inboxes/create-inbox';
import { applyAutoTicketRules, sweepAutoTickets } from '../../src/listening/auto-ticket';
import { ledgerKeyOf } from '../../src/listening/listened-post';
import { pollStream } from '../../src/listening/poll-stream';
import { DB_KINDS, startTwoNodes, type TestChorus } from '../helpers/test-chorus';
import { fakeMastodonSearch, mastodonStatus } from './fake-mastodon-search';

// Two app nodes on one store poll the same stream at the same moment and both hear every post's
// event: each post over the rule's threshold becomes one ticket with one "why", not two.
describe.each(DB_KINDS)('auto-ticket rules on two nodes (%s)', (db) => {
  let a: TestChorus;
  let b: TestChorus;
  let drop = async () => {};
  let masto: Awaited<ReturnType<typeof fakeMastodonSearch>>;
  beforeAll(async () => {
    ({ a, b, drop } = await startTwoNodes(db, { env: { CHORUS_WORKERS: 'false' } }));
    masto = await fakeMastodonSearch('masto-search-token');
  });
  afterAll(async () => {
    await masto.close();
    await b?.stop();
    await a?.stop();
    await drop();
  });

  it('converts each matching post once', async () => {
    await createInbox(a.s.db, Date.now(), { name: 'Acme on Mastodon', channel: 'mastodon', settings: { apiBaseUrl: masto.base, accessToken: 'masto-inbox-token' } });
    const created = await a.api('POST', '/api/listening/streams', {
      name: 'Brand', platform: 'mastodon', keywords: ['acme'], apiBaseUrl: masto.base, accessToken: 'masto-search-token', enabled: false, autoTicket: { minFollowers: 1000, negative: false },
    });
    expect(created.status).toBe(201);
    const streamId = created.body.stream.id as number;
    for (let i = 0; i < 8; i++) masto.statuses.push(mastodonStatus(String(4000 + i), `acme router trouble ${i}`, i % 2 ? 50_000 : 10));
    const stream = (await listeningStreamRepository.findById(a.s.db.m, streamId))!;

    // Both nodes poll at once; then each node hears created for every post, as if it had stored it.
    const [ra, rb] = await Promise.all([pollStream(a.s, stream, Date.now()), pollStream(b.s, stream, Date.now())]);
    expect([ra.error, rb.error]).toEqual([null, null]);
    const items = await Promise.all(masto.statuses.map((st) => listeningItemRepository.findByPost(a.s.db.m, 'mastodon', st.id)));
    expect(items.every(Boolean)).toBe(true);
    await Promise.all(items.flatMap((it) => [a, b].map((n) => n.s.bus.publish([{ name: 'listening.item.created', payload: { itemId: it!.id, streamId } }]))));
    await Promise.all(items.flatMap((it) => [applyAutoTicketRules(a.s, it!.id), applyAutoTicketRules(b.s, it!.id)]));
    await Promise.all([a.s.bus.drain(), b.s.bus.drain()]);
    await Promise.all([sweepAutoTickets(a.s, Date.now() + 3_600_000), sweepAutoTickets(b.s, Date.now() + 3_600_000)]);

    for (const [i, st] of masto.statuses.entries()) {
      const item = (await listeningItemRepository.findByPost(a.s.db.m, 'mastodon', st.id))!;
      const key = ledgerKeyOf('mastodon', st.id);
      const ledger = await a.s.db.m.query(`SELECT COUNT(*) AS n FROM inbound_items WHERE idempotency_key LIKE '%${key}'`);
      const tickets = await a.s.db.m.query(`SELECT DISTINCT ticket_id AS id FROM ticket_events WHERE type = 'listened' AND data LIKE '%"itemId":${item.id},%'`);
      if (i % 2) {
        expect(item.status).toBe('ticketed');
        expect(Number(ledger[0].n)).toBe(1);
        expect(tickets.map((r: { id: number }) => Number(r.id))).toEqual([item.ticketId]);
        const whys = await a.s.db.m.query(`SELECT COUNT(*) AS n FROM ticket_events WHERE type = 'listened' AND ticket_id = ${item.ticketId}`);
        expect(Number(whys[0].n)).toBe(1);
      } else {
        expect(item.status).toBe('new');
        expect(Number(ledger[0].n)).toBe(0);
        expect(tickets).toEqual([]);
      }
    }

    // The rule itself, raced on both nodes twice for a post stored without any event: one call
    // converts, the other three find the decision taken.
    const itemId = await a.s.db.write(async (m) => (await listeningItemRepository.upsertMatchedPost(m, {
      platform: 'mastodon', externalId: '4999', authorId: 'a4999', authorHandle: 'u4999@fake.social', authorName: 'U', authorUrl: null, authorFollowers: 90_000,
      text: 'acme outage again', language: 'en', url: null, postedAt: Date.now(), raw: mastodonStatus('4999', 'acme outage again', 90_000),
    }, streamId, 'acme', Date.now())).itemId);
    const results = await Promise.all([a, b, a, b].map((n) => applyAutoTicketRules(n.s, itemId)));
    expect(results.filter(Boolean)).toHaveLength(1);
    const converted = (await listeningItemRepository.findById(a.s.db.m, itemId))!;
    expect(converted).toMatchObject({ status: 'ticketed', ticketId: results.find(Boolean)!.id });
  });
});
