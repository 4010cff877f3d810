import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createInbox } from '../../src/inboxes/create-inbox';
import type { ChannelKind } from '../../src/db/entities';
import { DB_KINDS, startTestChorus, type TestChorus } from '../helpers/test-chorus';
import { fakePlatform, setMastodonMentions } from './fake-platform';
import { corpusPath } from '../helpers/corpus';
import { waitFor } from '../helpers/wait';

const { dir: CORPUS, present: CORPUS_PRESENT } = corpusPath('social');
const read = (p: string) => fs.readFileSync(path.join(CORPUS, p), 'utf8');
const SECRET = 'webhook-secret-0123456789';

type Signer = (raw: string) => Record<string, string>;
const hubSig: Signer = (raw) => ({ 'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}` });
const tgSig: Signer = () => ({ 'x-telegram-bot-api-secret-token': SECRET });
const xSig: Signer = (raw) => ({ 'x-twitter-webhooks-signature': `sha256=${createHmac('sha256', SECRET).update(raw).digest('base64')}` });

(CORPUS_PRESENT ? describe : describe.skip)('social channels', () => {
  let t: TestChorus;
  let fake: Awaited<ReturnType<typeof fakePlatform>>;
  beforeAll(async () => {
    t = await startTestChorus();
    fake = await fakePlatform();
  });
  afterAll(async () => {
    await t.stop();
    await fake.close();
  });

  const inbox = (channel: ChannelKind, settings: Record<string, unknown>) => createInbox(t.s.db, Date.now(), { name: channel, channel, settings: { apiBaseUrl: fake.url, ...settings }, secret: SECRET });
  const post = async (platform: string, inboxId: number, raw: string, sign: Signer) => {
    const res = await fetch(`${t.url}/webhooks/${platform}/${inboxId}`, { method: 'POST', headers: { 'content-type': 'application/json', ...sign(raw) }, body: raw });
    return { status: res.status, body: (await res.json()) as any };
  };
  const ticketsOf = async (inboxId: number) => (await t.api('GET', `/api/tickets?inbox=${inboxId}&limit=200`)).body.tickets as any[];
  const messagesOf = async (ticketId: number) => (await t.api('GET', `/api/tickets/${ticketId}`)).body.messages as any[];
  const ledger = async () => Number((await t.s.db.m.query('SELECT COUNT(*) n FROM inbound_items'))[0].n);

  it('Telegram: private chats are private tickets, group replies public; replies go to sendMessage', async () => {
    const ib = await inbox('telegram', { botToken: '123456:ABCDEF-token', botId: '999' });
    const bad = await post('telegram', ib.id, read('telegram/teloxide__update_rs__private_text.json'), () => ({ 'x-telegram-bot-api-secret-token': 'wrong' }));
    // A wrong secret answers exactly like an unknown inbox id.
    const unknown = await post('telegram', 999_999, read('telegram/teloxide__update_rs__private_text.json'), () => ({ 'x-telegram-bot-api-secret-token': 'wrong' }));
    expect(bad.status).toBe(404);
    expect(bad).toEqual(unknown);
    expect(await ticketsOf(ib.id)).toHaveLength(0);
    for (const f of ['telegram/teloxide__update_rs__private_text.json', 'telegram/teloxide__update_rs__supergroup_reply_with_thread.json']) {
      expect((await post('telegram', ib.id, read(f), tgSig)).status).toBe(200);
    }
    const tickets = await waitFor(() => ticketsOf(ib.id), (x) => x.length === 2);
    const priv = tickets.find((x) => x.visibility === 'private');
    const pub = tickets.find((x) => x.visibility === 'public');
    expect(priv.requester.name).toBe('Hirrolot');
    expect((await messagesOf(priv.id))[0]).toMatchObject({ text: '4', audience: 'participants' });
    expect((await messagesOf(pub.id))[0]).toMatchObject({ text: '/report', audience: 'public' });

    const before = await ledger();
    // The ledger is written before the 200, so the count is final once the answer is in.
    expect((await post('telegram', ib.id, read('telegram/teloxide__update_rs__private_text.json'), tgSig)).status).toBe(200);
    await t.s.bus.drain();
    expect(await ledger()).toBe(before);
    expect(await messagesOf(priv.id)).toHaveLength(1);

    await t.api('POST', `/api/tickets/${priv.id}/replies`, { text: 'Hello from support' });
    await waitFor(async () => fake.calls.filter((c) => c.path.endsWith('/sendMessage')).length, (n) => n >= 1);
    const call = fake.calls.find((c) => c.path.endsWith('/sendMessage'))!;
    expect(call).toMatchObject({ method: 'POST', path: '/bot123456:ABCDEF-token/sendMessage', body: { chat_id: 408258968, text: 'Hello from support' } });
    const sent = await waitFor(() => messagesOf(priv.id), (m) => m.at(-1).deliveryState === 'sent');
    expect(sent.at(-1).externalId).toMatch(/^408258968:\d+$/);
  });

  it('Instagram: a batch of three DMs is three messages from three people; quick replies and mentions ingest; handshake', async () => {
    const ib = await inbox('instagram', { pageId: '123', accessToken: 'ig-access-token', verifyToken: 'verify-me-please' });
    const hs = await fetch(`${t.url}/webhooks/meta/${ib.id}?hub.mode=subscribe&hub.verify_token=verify-me-please&hub.challenge=CHALLENGE_ACCEPTED`);
    expect([hs.status, await hs.text()]).toEqual([200, 'CHALLENGE_ACCEPTED']);
    expect((await fetch(`${t.url}/webhooks/meta/${ib.id}?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=x`)).status).toBe(404);
    expect((await post('meta', ib.id, read('meta/go-meta-webhooks__handler_messaging_test__instagram_messaging_batched_three_messages.json'), () => ({ 'x-hub-signature-256': 'sha256=00' }))).status).toBe(404);

    for (const f of ['meta/go-meta-webhooks__handler_messaging_test__instagram_messaging_batched_three_messages.json', 'meta/go-meta-webhooks__handler_messaging_test__instagram_quick_reply.json', 'meta/go-meta-webhooks__handler_changes_test__instagram_changes_mentions_comment.json']) {
      expect((await post('meta', ib.id, read(f), hubSig)).status).toBe(200);
    }
    const tickets = await waitFor(() => ticketsOf(ib.id), (x) => x.length === 4);
    expect(tickets.filter((x) => x.visibility === 'private')).toHaveLength(3);
    expect(tickets.filter((x) => x.visibility === 'public')).toHaveLength(1);
    const texts = (await Promise.all(tickets.map(async (x) => (await messagesOf(x.id)).map((m) => m.text)))).flat().sort();
    expect(texts).toEqual(['(mentioned you in a comment)', 'QR-PAYLOAD', 'message from 444', 'message from 567', 'message from 666'].sort());

    const dm = tickets.find((x) => x.visibility === 'private' && x.requester);
    await t.api('POST', `/api/tickets/${dm.id}/replies`, { text: 'Thanks for writing' });
    await waitFor(async () => fake.calls.filter((c) => c.path === '/me/messages').length, (n) => n >= 1);
    const call = fake.calls.find((c) => c.path === '/me/messages')!;
    expect(call.query.access_token).toBe('ig-access-token');
    expect(call.body).toMatchObject({ messaging_type: 'RESPONSE', message: { text: 'Thanks for writing' } });
  });

  it('WhatsApp: messages are private, statuses only move forward, the 24-hour window error is explained', async () => {
    const ib = await inbox('whatsapp', { phoneNumberId: '1122334455667', accessToken: 'wa-access-token', verifyToken: 'verify-me-please' });
    const variants = JSON.parse(read('whatsapp/pywa__tests_data_updates_message.json')) as Record<string, unknown>;
    for (const [name, payload] of Object.entries(variants)) {
      const res = await post('whatsapp', ib.id, JSON.stringify(payload), hubSig);
      expect([name, res.status]).toEqual([name, 200]);
    }
    const tickets = await waitFor(() => ticketsOf(ib.id), (x) => x.length >= 1);
    expect(tickets.every((x) => x.visibility === 'private')).toBe(true);
    const failed = Number((await t.s.db.m.query(`SELECT COUNT(*) n FROM inbound_items WHERE inbox_id = ${ib.id} AND state = 'failed'`))[0].n);
    expect(failed).toBe(0);
    const ticket = tickets[0];
    expect(ticket.requester.name).toBe('Test Name');

    const reply = await t.api('POST', `/api/tickets/${ticket.id}/replies`, { text: 'On it' });
    await waitFor(() => messagesOf(ticket.id), (m) => m.find((x) => x.id === reply.body.message.id).deliveryState === 'sent');
    const call = fake.calls.filter((c) => c.path === '/1122334455667/messages').at(-1)!;
    expect(call).toMatchObject({ auth: 'Bearer wa-access-token', body: { messaging_product: 'whatsapp', to: '972987654321', text: { body: 'On it' } } });
    const out = (await messagesOf(ticket.id)).find((x) => x.id === reply.body.message.id);
    const status = (s: string) => JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: '1', changes: [{ field: 'messages', value: { statuses: [{ id: out.externalId, status: s, recipient_id: '972987654321' }] } }] }] });
    await post('whatsapp', ib.id, status('read'), hubSig);
    await post('whatsapp', ib.id, read('whatsapp/pywa__message_status__delivered.json').replace('wamid.xyzxyz', out.externalId), hubSig);
    expect((await messagesOf(ticket.id)).find((x) => x.id === out.id).deliveryState).toBe('read');

    fake.next(400, { error: { message: 'Re-engagement message', code: 10, error_subcode: 2018278 } });
    const late = await t.api('POST', `/api/tickets/${ticket.id}/replies`, { text: 'Late answer' });
    const f = await waitFor(() => messagesOf(ticket.id), (m) => m.find((x) => x.id === late.body.message.id).deliveryState === 'failed');
    expect(f.find((x) => x.id === late.body.message.id).deliveryError).toMatch(/24-hour messaging window has closed/);
  });

  it('X: a public mention, a public reply, a private continuation and the DM answer are one ticket; CRC answers', async () => {
    const ib = await inbox('x', { accountId: '1', bearerToken: 'x-bearer-token' });
    const crc = await fetch(`${t.url}/webhooks/x/${ib.id}?crc_token=abc123`).then((r) => r.json());
    expect(crc).toEqual({ response_token: `sha256=${createHmac('sha256', SECRET).update('abc123').digest('base64')}` });
    expect((await post('x', ib.id, read('x/chatwoot__spec_factories_twitter__tweet_create_event.transcribed.json'), () => ({ 'x-twitter-webhooks-signature': 'sha256=AAAA' }))).status).toBe(404);

    expect((await post('x', ib.id, read('x/chatwoot__spec_factories_twitter__tweet_create_event.transcribed.json'), xSig)).status).toBe(200);
    const [ticket] = await waitFor(() => ticketsOf(ib.id), (x) => x.length === 1);
    expect(ticket).toMatchObject({ visibility: 'public', requester: { name: 'SurveyJoy', followers: 21 } });
    await t.api('POST', `/api/tickets/${ticket.id}/replies`, { text: 'Sorry to hear that! Sending you a DM.', audience: 'public' });
    await t.api('POST', `/api/tickets/${ticket.id}/replies`, { text: 'Could you share your order number?', audience: 'participants' });
    await waitFor(async () => fake.calls.filter((c) => c.path.startsWith('/2/')).length, (n) => n >= 2);
    const tweet = fake.calls.find((c) => c.path === '/2/tweets')!;
    expect(tweet).toMatchObject({ auth: 'Bearer x-bearer-token', body: { text: '@surveyjoyHQ Sorry to hear that! Sending you a DM.', reply: { in_reply_to_tweet_id: '1' } } });
    expect(fake.calls.find((c) => c.path === '/2/dm_conversations/with/2/messages')!.body).toEqual({ text: 'Could you share your order number?' });

    const dm = JSON.parse(read('x/chatwoot__spec_factories_twitter__twitter_message_create_event.transcribed.json'));
    dm.direct_message_events[0].id = 'dm-from-customer';
    dm.direct_message_events[0].message_create.message_data.text = 'Order 4411';
    expect((await post('x', ib.id, JSON.stringify(dm), xSig)).status).toBe(200);
    const all = await waitFor(() => messagesOf(ticket.id), (m) => m.length === 4);
    expect(all.map((m) => [m.audience, m.text])).toEqual([
      ['public', '@chatwootapp Testing a sample tweet with Twitter client'],
      ['public', 'Sorry to hear that! Sending you a DM.'],
      ['participants', 'Could you share your order number?'],
      ['participants', 'Order 4411'],
    ]);
    expect(await ticketsOf(ib.id)).toHaveLength(1);
    // The public never sees the private part.
    const pub = await t.api('GET', `/api/tickets/${ticket.id}`, undefined, '');
    expect(pub.body.messages.map((m: any) => m.text)).toEqual(['@chatwootapp Testing a sample tweet with Twitter client', 'Sorry to hear that! Sending you a DM.']);
  });

  it('answers 429 by waiting as the platform asks', async () => {
    const ib = await inbox('telegram', { botToken: '777777:RATE-limited', botId: '998' });
    const upd = JSON.parse(read('telegram/teloxide__update_rs__private_text.json'));
    upd.message.chat.id = 5151;
    upd.message.from.id = 5151;
    await post('telegram', ib.id, JSON.stringify(upd), tgSig);
    const [ticket] = await waitFor(() => ticketsOf(ib.id), (x) => x.length === 1);
    fake.next(429, { ok: false, description: 'Too Many Requests: retry after 120' }, { 'retry-after': '120' });
    const r = await t.api('POST', `/api/tickets/${ticket.id}/replies`, { text: 'hi' });
    const m = await waitFor(() => messagesOf(ticket.id), (ms) => /retrying/.test(ms.find((x) => x.id === r.body.message.id).deliveryError ?? ''));
    expect(m.find((x) => x.id === r.body.message.id)).toMatchObject({ deliveryState: 'queued' });
    const [row] = await t.s.db.m.query(`SELECT next_attempt_at FROM outbox_items WHERE message_id = ${r.body.message.id}`);
    expect(Number(row.next_attempt_at) - Date.now()).toBeGreaterThan(100_000);
  });

  it('Mastodon: polls mentions with since_id, ingests them once, and replies with @acct at the same visibility', async () => {
    // The background poller finds the inbox created while Chorus runs; no restart, no manual poll.
    setMastodonMentions(JSON.parse(read('mastodon/mastodonpy__notifications_types_mention__GET_response.json')));
    const ib = await inbox('mastodon', { accessToken: 'masto-access-token', accountId: '999', pollSeconds: 5 });
    const [ticket] = await waitFor(() => ticketsOf(ib.id), (x) => x.length === 1, 15_000);
    const poll = () => fake.calls.filter((c) => c.path === '/api/v1/notifications' && c.auth === 'Bearer masto-access-token');
    expect(poll()[0]).toMatchObject({ method: 'GET', query: { 'types[]': 'mention' } });
    await waitFor(async () => poll().length, (n) => n >= 2, 15_000);
    expect(poll()[1].query.since_id).toBe('21');
    expect(Number((await t.s.db.m.query(`SELECT COUNT(*) n FROM inbound_items WHERE inbox_id = ${ib.id}`))[0].n)).toBe(1);
    expect(ticket.visibility).toBe('public');
    expect((await messagesOf(ticket.id))[0].text).toBe('@mastodonpy_test hello!');
    await t.api('POST', `/api/tickets/${ticket.id}/replies`, { text: 'Hi there', audience: 'public' });
    await waitFor(async () => fake.calls.filter((c) => c.path === '/api/v1/statuses').length, (n) => n >= 1);
    expect(fake.calls.find((c) => c.path === '/api/v1/statuses')!.body).toEqual({ status: '@admin Hi there', in_reply_to_id: '117020577157693549', visibility: 'public' });
  });
});

describe.each(DB_KINDS)('merging contacts (%s)', (db) => {
  it('joins one person seen on two channels into one profile, with an audit record', async () => {
    const t = await startTestChorus({ db });
    try {
      const a = (await t.api('POST', '/api/tickets', { inboxId: (await createInbox(t.s.db, Date.now(), { name: 'A', channel: 'api' })).id, subject: 'By mail', requester: { email: 'zoe@example.com', name: 'Zoe' } })).body.ticket;
      const tg = await createInbox(t.s.db, Date.now(), { name: 'TG', channel: 'telegram', settings: { apiBaseUrl: 'http://127.0.0.1:9', botToken: '123456:ABCDEF-token' }, secret: SECRET });
      const upd = { update_id: 1, message: { message_id: 1, date: 1581448857, text: 'hi', chat: { id: 4242, type: 'private' }, from: { id: 4242, is_bot: false, first_name: 'Zoe', username: 'zoe_tg' } } };
      const res = await fetch(`${t.url}/webhooks/telegram/${tg.id}`, { method: 'POST', headers: { 'content-type': 'application/json', ...tgSig('') }, body: JSON.stringify(upd) });
      expect(res.status).toBe(200);
      const [b] = await waitFor(async () => (await t.api('GET', `/api/tickets?inbox=${tg.id}`)).body.tickets as any[], (x) => x.length === 1);
      const merged = await t.api('POST', `/api/contacts/${b.requester.id}/merge`, { intoContactId: a.requester.id });
      expect(merged.status).toBe(200);
      const profile = (await t.api('GET', `/api/contacts/${a.requester.id}`)).body;
      expect(profile.contact.identities.map((i: any) => i.kind).sort()).toEqual(['email', 'telegram']);
      expect(profile.tickets.map((x: any) => x.id).sort()).toEqual([a.id, b.id].sort());
      const events = (await t.api('GET', `/api/tickets/${b.id}`)).body.events;
      expect(events.at(-1)).toMatchObject({ type: 'contact.merged', data: { from: b.requester.id, into: a.requester.id } });
      expect((await t.api('POST', `/api/contacts/${b.requester.id}/merge`, { intoContactId: a.requester.id })).status).toBe(409);
    } finally {
      await t.stop();
    }
  });
});
