import { createInbox } from '../../src/inboxes/create-inbox';
import { inboxRepository } from '../../src/db/repositories/inbox.repository';
import { contactRepository } from '../../src/db/repositories/contact.repository';
import { listeningItemRepository, type ListenedPost } from '../../src/db/repositories/listening-item.repository';
import { listeningStreamRepository } from '../../src/db/repositories/listening-stream.repository';
import { ticketEventRepository } from '../../src/db/repositories/ticket-event.repository';
import { convertItem } from '../../src/listening/commands/convert-item';
import { dismissItems } from '../../src/listening/commands/dismiss-items';
import { MASTODON_RAW_TYPE } from '../../src/channels/social/mastodon';
import { DB_KINDS, startTestChorus, type TestChorus } from '../helpers/test-chorus';

// A status as Mastodon's search returns it (docs.joinmastodon.org/entities/Status).
const status = (id: string, text: string, replyTo: string | null = null) => ({
  id, created_at: '2026-12-01T10:00:00.000Z', visibility: 'public', language: 'en', in_reply_to_id: replyTo, url: `https://fake.social/@ana/${id}`,
  content: `<p>${text}</p>`, account: { id: '9001', acct: 'ana@fake.social', display_name: 'Ana', url: 'https://fake.social/@ana', followers_count: 12_500 },
});
const post = (id: string, text: string): ListenedPost => ({
  platform: 'mastodon', externalId: id, authorId: '9001', authorHandle: 'ana@fake.social', authorName: 'Ana', authorUrl: 'https://fake.social/@ana',
  authorFollowers: 12_500, text, language: 'en', url: `https://fake.social/@ana/${id}`, postedAt: Date.parse('2026-12-01T10:00:00.000Z'), raw: status(id, text),
});

describe.each(DB_KINDS)('converting a listened post into a ticket (%s)', (db) => {
  let t: TestChorus;
  let streamId: number;
  let inboxId: number;
  beforeAll(async () => {
    t = await startTestChorus({ db, env: { CHORUS_WORKERS: 'false' } });
    inboxId = (await createInbox(t.s.db, Date.now(), { name: 'Acme on Mastodon', channel: 'mastodon', settings: { apiBaseUrl: 'http://127.0.0.1:9', accessToken: 'masto-token-one' } })).id;
    streamId = (await t.s.db.write((m) => listeningStreamRepository.insert(m, {
      name: 'Brand', platform: 'mastodon', query: { keywords: ['acme'], phrases: [], hashtags: [], exclusions: [], language: null }, settings: null,
      enabled: false, pollSeconds: 60, cursor: null, lastPolledAt: null, lastError: null, nextPollAt: null, createdBy: null, createdAt: 1, updatedAt: 1,
    }))).id;
  });
  afterAll(async () => { await t.stop(); });
  const store = (p: ListenedPost) => t.s.db.write(async (m) => (await listeningItemRepository.upsertMatchedPost(m, p, streamId, 'acme', Date.now())).itemId);

  it('opens one public ticket holding the post, says why, records reach, and a later mention or reply of the post threads into it', async () => {
    const id = await store(post('500', 'acme router keeps dropping'));
    const ticket = await convertItem(t.s, id, { by: { kind: 'agent', agentId: t.admin.id } });
    expect(ticket).toMatchObject({ visibility: 'public', inboxId, channel: 'mastodon', subject: 'Post by @ana@fake.social' });
    const shown = (await t.api('GET', `/api/tickets/${ticket.id}`)).body;
    expect(shown.messages.map((x: any) => [x.text, x.audience, x.direction])).toEqual([['acme router keeps dropping', 'public', 'inbound']]);
    const [identity] = await contactRepository.identitiesOf(t.s.db.m, [ticket.requesterId]);
    expect(identity).toMatchObject({ kind: 'mastodon', value: '9001', handle: 'ana@fake.social', followers: 12_500 });
    const why = (await ticketEventRepository.listByTicket(t.s.db.m, ticket.id)).find((e) => e.type === 'listened')!;
    expect(why).toMatchObject({ actorType: 'agent', actorId: t.admin.id, data: { itemId: id, streams: [{ id: streamId, name: 'Brand', query: 'acme' }], by: 'agent' } });
    expect(await listeningItemRepository.findById(t.s.db.m, id)).toMatchObject({ status: 'ticketed', ticketId: ticket.id });
    expect((await t.api('GET', '/api/listening/items')).body.items.map((i: any) => i.id)).not.toContain(id);

    // Converting again, or the same post arriving as a mention, is still the one ticket.
    expect((await convertItem(t.s, id, { by: { kind: 'agent', agentId: t.admin.id } })).id).toBe(ticket.id);
    const inbox = (await t.s.db.m.query(`SELECT * FROM inboxes WHERE id = ${inboxId}`))[0];
    const mention = { id: '77', type: 'mention', account: status('500', '').account, status: status('500', 'acme router keeps dropping') };
    const [again] = await t.s.ingest.ingest({ ...inbox, settings: JSON.parse(inbox.settings) }, [{ key: 'masto:500', raw: JSON.stringify(mention), rawType: MASTODON_RAW_TYPE }]);
    expect(again).toMatchObject({ duplicate: true, ticketId: ticket.id });
    const reply = { id: '78', type: 'mention', account: status('501', '').account, status: status('501', 'still dropping, any news?', '500') };
    const [threaded] = await t.s.ingest.ingest({ ...inbox, settings: JSON.parse(inbox.settings) }, [{ key: 'masto:501', raw: JSON.stringify(reply), rawType: MASTODON_RAW_TYPE }]);
    expect(threaded).toMatchObject({ state: 'processed', ticketId: ticket.id });
    expect((await ticketEventRepository.listByTicket(t.s.db.m, ticket.id)).filter((e) => e.type === 'listened')).toHaveLength(1);
  });

  it('links a post a stream found to the ticket its mention opened, and spends no write on a mention no stream found', async () => {
    const inbox = (await t.s.db.m.query(`SELECT * FROM inboxes WHERE id = ${inboxId}`))[0];
    const mentionOf = (id: string, text: string) => ({ key: `masto:${id}`, raw: JSON.stringify({ id: `n${id}`, type: 'mention', account: status(id, '').account, status: status(id, text) }), rawType: MASTODON_RAW_TYPE });
    const found = await store(post('700', 'acme modem blinks red'));
    const links = jest.spyOn(listeningItemRepository, 'linkTicket');
    try {
      const [opened] = await t.s.ingest.ingest({ ...inbox, settings: JSON.parse(inbox.settings) }, [mentionOf('700', 'acme modem blinks red')]);
      await t.s.bus.drain();
      expect(await listeningItemRepository.findById(t.s.db.m, found)).toMatchObject({ status: 'ticketed', ticketId: opened.ticketId });
      expect(links).toHaveBeenCalledTimes(1);
      const [other] = await t.s.ingest.ingest({ ...inbox, settings: JSON.parse(inbox.settings) }, [mentionOf('701', 'hello acme, a question')]);
      await t.s.bus.drain();
      expect(other).toMatchObject({ state: 'processed' });
      expect(links).toHaveBeenCalledTimes(1);
    } finally {
      links.mockRestore();
    }
  });

  it('names the rule when a rule converts, and refuses a dismissed post', async () => {
    const id = await store(post('600', 'acme is down again'));
    const ticket = await convertItem(t.s, id, { by: { kind: 'rule', name: 'reach ≥ 10,000' } });
    const why = (await ticketEventRepository.listByTicket(t.s.db.m, ticket.id)).find((e) => e.type === 'listened')!;
    expect(why).toMatchObject({ actorType: 'system', cause: { kind: 'rule', name: 'reach ≥ 10,000' }, data: { by: 'rule', rule: 'reach ≥ 10,000' } });
    const gone = await store(post('601', 'acme giveaway spam'));
    await dismissItems(t.s.db, Date.now(), [gone], 'spam');
    await expect(convertItem(t.s, gone, { by: { kind: 'agent', agentId: t.admin.id } })).rejects.toThrow(/marked as spam/);
    expect((await listeningItemRepository.findById(t.s.db.m, gone))!.ticketId).toBeNull();
    // Our own account's post (the inbox's account id) is no customer's.
    await t.s.db.write((m) => inboxRepository.update(m, inboxId, { settings: { apiBaseUrl: 'http://127.0.0.1:9', accessToken: 'masto-token-one', accountId: '9001' } }));
    const own = await store(post('602', 'acme release notes are out'));
    await expect(convertItem(t.s, own, { by: { kind: 'rule', name: 'reach' } })).rejects.toThrow("This post does not become a ticket: the post is by this inbox's own account.");
  });
});
