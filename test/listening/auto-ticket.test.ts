import { listeningItemRepository } from '../../src/db/repositories/listening-item.repository';
import { listeningStreamRepository } from '../../src/db/repositories/listening-stream.repository';
import { ticketEventRepository } from '../../src/db/repositories/ticket-event.repository';
import { createInbox } from '../../src/inboxes/create-inbox';
import { AUTO_TICKET_GRACE_MS, applyAutoTicketRules, sweepAutoTickets } from '../../src/listening/auto-ticket';
import { pollStream } from '../../src/listening/poll-stream';
import { AgentClient } from '../helpers/agent-client';
import { DB_KINDS, startTestChorus, type TestChorus } from '../helpers/test-chorus';
import { fakeMastodonSearch, mastodonStatus } from './fake-mastodon-search';

// A stream's auto-ticket rule (reach ≥ N, or negative) turns matching posts into public tickets
// by itself once they are stored, each ticket naming the rule; other posts wait for an agent.
describe.each(DB_KINDS)('listening auto-ticket rules (%s)', (db) => {
  let t: TestChorus;
  let masto: Awaited<ReturnType<typeof fakeMastodonSearch>>;
  let inboxId: number;
  beforeAll(async () => {
    t = await startTestChorus({ db, env: { CHORUS_WORKERS: 'false' } });
    masto = await fakeMastodonSearch('masto-search-token');
    inboxId = (await createInbox(t.s.db, Date.now(), { name: 'Acme on Mastodon', channel: 'mastodon', settings: { apiBaseUrl: masto.base, accessToken: 'masto-inbox-token' } })).id;
  });
  afterAll(async () => { await masto.close(); await t.stop(); });

  const makeStream = async (name: string, keywords: string[], autoTicket: { minFollowers: number | null; negative: boolean } | null) => {
    const r = await t.api('POST', '/api/listening/streams', { name, platform: 'mastodon', keywords, apiBaseUrl: masto.base, accessToken: 'masto-search-token', autoTicket });
    expect(r.status).toBe(201);
    return r.body.stream.id as number;
  };
  const poll = async (streamId: number) => {
    const r = await pollStream(t.s, (await listeningStreamRepository.findById(t.s.db.m, streamId))!, Date.now());
    expect(r.error).toBeNull();
    await t.s.bus.drain();
    return r;
  };
  const itemOf = async (externalId: string) => (await listeningItemRepository.findByPost(t.s.db.m, 'mastodon', externalId))!;
  const listenedOf = async (ticketId: number) => (await ticketEventRepository.listByTicket(t.s.db.m, ticketId)).filter((e) => e.type === 'listened');
  const ticketCount = async () => Number((await t.s.db.m.query('SELECT COUNT(*) AS n FROM tickets'))[0].n);

  it('converts a post over the reach threshold and a negative one, naming the rule; the rest wait; a second poll converts nothing more', async () => {
    const brand = await makeStream('Brand', ['acme'], { minFollowers: 10_000, negative: true });
    expect((await t.api('GET', `/api/listening/streams/${brand}`)).body.stream.autoTicket).toEqual({ minFollowers: 10_000, negative: true });
    masto.statuses.push(
      mastodonStatus('1001', 'acme mesh setup took five minutes', 52_000),
      mastodonStatus('1002', 'acme support is terrible, my router is broken and useless', 40),
      mastodonStatus('1003', 'acme router arrived today, nice box', 40),
      mastodonStatus('1004', 'acme ist schrecklich und kaputt', 40, 'de'),
      mastodonStatus('1005', 'acme firmware exactly at the line', 10_000),
    );
    const before = await ticketCount();
    expect((await poll(brand)).created).toBe(5);

    const big = await itemOf('1001');
    const bigger = await itemOf('1005');
    const negative = await itemOf('1002');
    expect([big.status, bigger.status, negative.status]).toEqual(['ticketed', 'ticketed', 'ticketed']);
    // Positive English and unscored German (no scorer: never "negative") wait for an agent.
    expect((await itemOf('1003')).status).toBe('new');
    expect((await itemOf('1004')).status).toBe('new');
    expect(await ticketCount()).toBe(before + 3);

    const [why] = await listenedOf(big.ticketId!);
    expect(why).toMatchObject({ actorType: 'system', cause: { kind: 'rule', name: 'stream “Brand”\'s rule: reach ≥ 10,000' }, data: { by: 'rule', itemId: big.id } });
    expect((await listenedOf(negative.ticketId!))[0].data).toMatchObject({ rule: 'stream “Brand”\'s rule: negative sentiment' });
    const ticket = (await t.api('GET', `/api/tickets/${big.ticketId}`)).body.ticket;
    expect(ticket).toMatchObject({ visibility: 'public', inboxId });
    const agent = new AgentClient(t);
    await agent.signIn(t.admin.email, t.admin.password);
    expect((await agent.get(`/tickets/${big.ticketId}`)).html).toContain('made a ticket by stream “Brand”&#x27;s rule: reach ≥ 10,000');

    // The same posts again (and nothing new): no second ticket, no second "why".
    const cursor = (await listeningStreamRepository.findById(t.s.db.m, brand))!.cursor;
    await t.s.db.write((m) => listeningStreamRepository.recordPoll(m, brand, { lastPolledAt: null, lastError: null, nextPollAt: null, cursor: null }));
    expect((await poll(brand)).created).toBe(0);
    expect(cursor).toBe('1005');
    expect(await ticketCount()).toBe(before + 3);
    expect(await listenedOf(big.ticketId!)).toHaveLength(1);
  });

  it('a post found again by another stream with a rule is decided by that rule; a stream without one converts nothing', async () => {
    masto.statuses.push(mastodonStatus('2001', 'acmecorp modem keeps rebooting', 800));
    const quiet = await makeStream('Quiet', ['acmecorp'], null);
    await poll(quiet);
    expect((await itemOf('2001')).status).toBe('new');
    // With no rule on the stream, its match is stored decided: the sweep never revisits it.
    expect(await listeningItemRepository.undecidedMatches(t.s.db.m, (await itemOf('2001')).id)).toEqual([]);
    const low = await makeStream('Low bar', ['acmecorp'], { minFollowers: 500, negative: false });
    await poll(low);
    const item = await itemOf('2001');
    expect(item.status).toBe('ticketed');
    expect((await listenedOf(item.ticketId!))[0].data).toMatchObject({ rule: 'stream “Low bar”\'s rule: reach ≥ 500' });
  });

  it('a post whose event was lost is decided by the sweep once the grace period passed, once', async () => {
    const stream = await makeStream('Swept', ['sweepme'], { minFollowers: 100, negative: false });
    // Stored as a poll would, with no one hearing its event (the node stopped after the commit).
    const matchedAt = Date.now() - AUTO_TICKET_GRACE_MS - 1000;
    const itemId = await t.s.db.write(async (m) => (await listeningItemRepository.upsertMatchedPost(m, {
      platform: 'mastodon', externalId: '3001', authorId: 'a3001', authorHandle: 'u3001@fake.social', authorName: 'U', authorUrl: null, authorFollowers: 5000,
      text: 'sweepme please', language: 'en', url: null, postedAt: matchedAt, raw: mastodonStatus('3001', 'sweepme please', 5000),
    }, stream, 'sweepme', matchedAt)).itemId);
    await sweepAutoTickets(t.s, Date.now());
    await sweepAutoTickets(t.s, Date.now());
    const item = (await listeningItemRepository.findById(t.s.db.m, itemId))!;
    expect(item.status).toBe('ticketed');
    expect(await listenedOf(item.ticketId!)).toHaveLength(1);
    // A post just stored is the event handler's: the sweep leaves it.
    const fresh = await t.s.db.write(async (m) => (await listeningItemRepository.upsertMatchedPost(m, {
      platform: 'mastodon', externalId: '3002', authorId: 'a3002', authorHandle: 'u3002@fake.social', authorName: 'U', authorUrl: null, authorFollowers: 5000,
      text: 'sweepme too', language: 'en', url: null, postedAt: Date.now(), raw: mastodonStatus('3002', 'sweepme too', 5000),
    }, stream, 'sweepme', Date.now())).itemId);
    await sweepAutoTickets(t.s, Date.now());
    expect((await listeningItemRepository.findById(t.s.db.m, fresh))!.status).toBe('new');
  });

  it('a rule that matches but cannot make a ticket leaves the post to an agent with the reason beside it', async () => {
    const stream = await makeStream('No answerer', ['noinbox'], { minFollowers: 100, negative: false });
    // A post of a platform no inbox answers (there is a Mastodon inbox only).
    const itemId = await t.s.db.write(async (m) => (await listeningItemRepository.upsertMatchedPost(m, {
      platform: 'x', externalId: '4001', authorId: 'x4001', authorHandle: 'loud', authorName: 'Loud', authorUrl: null, authorFollowers: 90_000,
      text: 'noinbox acme is down again', language: 'en', url: null, postedAt: Date.now(), raw: { id: '4001' },
    }, stream, 'noinbox', Date.now())).itemId);
    const before = await ticketCount();
    await applyAutoTicketRules(t.s, itemId);
    expect((await listeningItemRepository.findById(t.s.db.m, itemId))!.status).toBe('new');
    expect(await ticketCount()).toBe(before);
    const note = 'Matched stream “No answerer”\'s rule: reach ≥ 100, but no ticket was made: No X inbox can answer this post: add one under Admin → Inboxes, or choose one on the stream.';
    const listed = (await t.api('GET', '/api/listening/items?limit=100')).body.items.find((i: { id: number }) => i.id === itemId);
    expect(listed.matches).toEqual([expect.objectContaining({ stream: 'No answerer', ruleNote: note })]);
    const agent = new AgentClient(t);
    await agent.signIn(t.admin.email, t.admin.password);
    expect((await agent.get('/listening')).html).toContain('but no ticket was made: No X inbox can answer this post');
    // Decided once: the sweep does not try again.
    expect(await listeningItemRepository.undecidedMatches(t.s.db.m, itemId)).toEqual([]);
  });
});
