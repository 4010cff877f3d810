import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ChannelKind } from '../../src/db/entities';
import { createInbox } from '../../src/inboxes/create-inbox';
import { AgentClient } from '../helpers/agent-client';
import { DB_KINDS, startTestChorus, type TestChorus } from '../helpers/test-chorus';
import { fakePlatform, setMastodonMentions } from './fake-platform';
import { waitFor } from '../helpers/wait';

// Payloads written from the platforms' webhook references (test/fixtures/social/<platform>/),
// in the shapes the platforms send: postbacks, standby, caption mentions, reactions, unsends,
// service messages, media, malformed bodies and times that are not times.
const FIX = path.resolve(__dirname, '../fixtures/social');
const SECRET = 'webhook-secret-0123456789';
const hubSig = (raw: string) => ({ 'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}` });
const tgSig = () => ({ 'x-telegram-bot-api-secret-token': SECRET });
const xSig = (raw: string) => ({ 'x-twitter-webhooks-signature': `sha256=${createHmac('sha256', SECRET).update(raw).digest('base64')}` });
const SIGNERS: Record<string, (raw: string) => Record<string, string>> = { meta: hubSig, whatsapp: hubSig, telegram: tgSig, x: xSig };
const PLATFORM_OF: Record<string, string> = { messenger: 'meta', instagram: 'meta', whatsapp: 'whatsapp', telegram: 'telegram', x: 'x' };

describe.each(DB_KINDS)('social events, media and malformed payloads (%s)', (db) => {
  let t: TestChorus;
  let fake: Awaited<ReturnType<typeof fakePlatform>>;
  const fixture = (p: string) => fs.readFileSync(path.join(FIX, p), 'utf8').replaceAll('{{FAKE}}', fake.url);
  beforeAll(async () => {
    t = await startTestChorus({ db });
    fake = await fakePlatform();
  });
  afterAll(async () => {
    await t.stop();
    await fake.close();
  });

  const inbox = (channel: ChannelKind, settings: Record<string, unknown>) => createInbox(t.s.db, Date.now(), { name: channel, channel, settings: { apiBaseUrl: fake.url, ...settings }, secret: SECRET });
  const post = async (channel: string, inboxId: number, raw: string) => {
    const platform = PLATFORM_OF[channel];
    const res = await fetch(`${t.url}/webhooks/${platform}/${inboxId}`, { method: 'POST', headers: { 'content-type': 'application/json', ...SIGNERS[platform](raw) }, body: raw });
    return { status: res.status, body: (await res.json()) as any };
  };
  // The ledger of one inbox once nothing in it is still being processed.
  const ledger = (inboxId: number, count: number) => waitFor(
    async () => (await t.s.db.m.query(`SELECT idempotency_key AS "key", state, error, ticket_id AS "ticketId", message_id AS "messageId" FROM inbound_items WHERE inbox_id = ${inboxId} ORDER BY id`)) as { key: string; state: string; error: string | null; ticketId: number | null; messageId: number | null }[],
    (rows) => rows.length >= count && rows.every((r) => r.state !== 'received'),
  );
  const ticketsOf = async (inboxId: number) => (await t.api('GET', `/api/tickets?inbox=${inboxId}&limit=200`)).body.tickets as any[];
  const ticket = async (id: number, token?: string) => (await t.api('GET', `/api/tickets/${id}`, undefined, token)).body as { messages: any[]; events: any[] };
  const download = async (url: string) => Buffer.from(await (await fetch(t.url + url, { headers: { authorization: `Bearer ${t.admin.token}` } })).arrayBuffer());

  it('a signed but malformed body is a failed ledger row with the reason and a 200, never a 500 or an undefined id', async () => {
    const ib = await inbox('messenger', { pageId: 'PAGE-ID-1', accessToken: 'page-access-token', verifyToken: 'verify-me-please' });
    expect((await post('messenger', ib.id, fixture('meta/messenger_malformed.json'))).status).toBe(200);
    expect((await post('messenger', ib.id, 'this is { not json')).status).toBe(200);
    expect((await post('messenger', ib.id, JSON.stringify({ object: 'page' }))).status).toBe(200);
    const rows = await ledger(ib.id, 4);
    expect(rows).toHaveLength(4);
    const failed = rows.filter((r) => r.state === 'failed');
    expect(failed.map((r) => r.error)).toEqual([
      expect.stringMatching(/not of the documented shape: sender/),
      expect.stringMatching(/not of the documented shape: the body is not JSON/),
      expect.stringMatching(/not of the documented shape: entry/),
    ]);
    expect(rows.find((r) => r.state === 'processed')!.key).toBe(`${ib.id}:meta:m_FINE:PSID-OK-1`);
    expect(rows.some((r) => /undefined|null/.test(r.key))).toBe(false);
    // The failed rows are on the admin list for an agent to find.
    const list = await t.api('GET', '/api/inbound-items?state=failed');
    if (list.status === 200) expect(JSON.stringify(list.body)).toContain('not of the documented shape');

    const wa = await inbox('whatsapp', { phoneNumberId: '106540352242922', accessToken: 'wa-access-token', verifyToken: 'verify-me-please' });
    expect((await post('whatsapp', wa.id, fixture('whatsapp/malformed.json'))).status).toBe(200);
    const tg = await inbox('telegram', { botToken: '123456:MALFORMED-token', botId: '998' });
    expect((await post('telegram', tg.id, fixture('telegram/malformed.json'))).status).toBe(200);
    expect((await ledger(wa.id, 1))[0]).toMatchObject({ state: 'failed', error: expect.stringMatching(/whatsapp payload .*: id/) });
    expect((await ledger(tg.id, 1))[0]).toMatchObject({ state: 'failed', error: expect.stringMatching(/telegram payload .*chat: Invalid input/) });
    expect(await ticketsOf(wa.id)).toHaveLength(0);
  });

  it('platform times are checked at the edge: an ISO string is read, a time that is none becomes the receive time with a note', async () => {
    const ib = await inbox('messenger', { pageId: 'PAGE-ID-1', accessToken: 'page-access-token', verifyToken: 'verify-me-please' });
    const before = Date.now();
    await post('messenger', ib.id, fixture('meta/messenger_iso_timestamp.json'));
    await ledger(ib.id, 2);
    const [tk] = await ticketsOf(ib.id);
    const res = await t.api('GET', `/api/tickets/${tk.id}`);
    expect(res.status).toBe(200);
    const [iso, nan] = res.body.messages;
    expect(iso).toMatchObject({ text: 'sent with an ISO time', createdAt: '2024-07-26T13:20:03.000Z' });
    expect(nan.text).toBe('sent with a time that is not one');
    expect(Date.parse(nan.createdAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(nan.flags.timeNote).toMatch(/"NaN" is not a valid time; the receive time is shown/);
  });

  (db === 'sqlite' ? it : it.skip)('a row stored with a broken time (before times were checked) still renders on every page', async () => {
    const ib = await inbox('telegram', { botToken: '123456:BROKEN-time', botId: '998' });
    await post('telegram', ib.id, fixture('telegram/group_message.json'));
    await ledger(ib.id, 1);
    const [tk] = await ticketsOf(ib.id);
    await t.s.db.m.query(`UPDATE messages SET created_at = '2024-07-26T13:20:03Z' WHERE ticket_id = ${tk.id}`);
    const agentView = await t.api('GET', `/api/tickets/${tk.id}`);
    expect(agentView.status).toBe(200);
    expect(agentView.body.messages[0].createdAt).toBeNull();
    const anon = await t.api('GET', `/api/tickets/${tk.id}`, undefined, '');
    expect(anon.status).toBe(200);
    const agent = new AgentClient(t);
    await agent.signIn(t.admin.email, t.admin.password);
    const page = await agent.get(`/tickets/${tk.id}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('at an unknown time');
    const thread = await fetch(`${t.url}/t/${tk.id}`, { redirect: 'follow' });
    expect(thread.status).toBe(200);
  });

  it('Messenger: postbacks and standby messages are messages; read and delivery receipts are ignored with their reason', async () => {
    const ib = await inbox('messenger', { pageId: 'PAGE-ID-1', accessToken: 'page-access-token', verifyToken: 'verify-me-please' });
    for (const f of ['messenger_postback.json', 'messenger_standby.json', 'messenger_read_and_delivery.json']) expect((await post('messenger', ib.id, fixture(`meta/${f}`))).status).toBe(200);
    const rows = await ledger(ib.id, 4);
    expect(rows.filter((r) => r.state === 'ignored').map((r) => r.error).sort()).toEqual(['Meta delivery event: nothing to store', 'Meta read event: nothing to store']);
    const tickets = await ticketsOf(ib.id);
    expect(tickets).toHaveLength(2);
    const msgs = (await Promise.all(tickets.map(async (x) => (await ticket(x.id)).messages))).flat();
    const postback = msgs.find((m) => m.flags?.postback);
    expect(postback).toMatchObject({ text: 'Track my order', audience: 'participants', externalId: 'm_POSTBACK-MESSAGE-ID', flags: { postback: { payload: 'TRACK_ORDER' } } });
    // Postback times are documented as a string of seconds.
    expect(postback.createdAt).toBe('2018-05-27T22:23:44.000Z');
    expect(msgs.find((m) => m.flags?.standby)).toMatchObject({ text: 'Is anyone there? The bot did not help.' });
  });

  it('Messenger and Instagram media: images are fetched into attachments, shares and story mentions keep link and caption', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    fake.serve('/cdn/messenger/photo-1.jpg', { body: Buffer.from('JPEG-BYTES-1'), contentType: 'image/jpeg', query: { _nc_sig: 'abc' } });
    fake.serve('/cdn/ig/broken-kettle.png', { body: png, contentType: 'image/png' });
    const ms = await inbox('messenger', { pageId: 'PAGE-ID-1', accessToken: 'page-access-token', verifyToken: 'verify-me-please' });
    await post('messenger', ms.id, fixture('meta/messenger_image.json'));
    await ledger(ms.id, 1);
    const [m] = (await ticket((await ticketsOf(ms.id))[0].id)).messages;
    expect(m.attachments).toHaveLength(1);
    expect(m.attachments[0]).toMatchObject({ filename: 'image-1.jpg', contentType: 'image/jpeg' });
    expect((await download(m.attachments[0].url)).toString()).toBe('JPEG-BYTES-1');
    // The second image is gone from the CDN: its link stays on the message, with the reason.
    expect(m.text).toContain(`(image: ${fake.url}/cdn/messenger/expired.jpg)`);
    expect(m.flags.media[1]).toMatchObject({ type: 'image', error: 'the platform answered HTTP 404' });

    const ig = await inbox('instagram', { pageId: 'IG-ACCOUNT-1', accessToken: 'ig-access-token', verifyToken: 'verify-me-please' });
    await post('instagram', ig.id, fixture('meta/instagram_media_shares.json'));
    await ledger(ig.id, 4);
    const msgs = (await ticket((await ticketsOf(ig.id))[0].id)).messages;
    expect(msgs.map((x) => x.text)).toEqual([
      'Mentioned you in their story: https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=17890001&signature=STORY',
      'Shared a reel: Unboxing the new kettle\nhttps://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=18000001&signature=REEL',
      'Shared a post: Our autumn collection is here\nhttps://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=18139494541428835&signature=SHARE',
      'this is the broken one',
    ]);
    // Story content must not be stored (Meta's rule): only its link is kept.
    expect(msgs[0].attachments).toEqual([]);
    expect(msgs[3].attachments[0]).toMatchObject({ filename: 'image-1.png', contentType: 'image/png', size: png.length });
  });

  it('Instagram: a caption mention is stored with its caption; a reaction names its message; an unsend withdraws the message', async () => {
    fake.serve('/IG-ACCOUNT-1', {
      query: { fields: 'mentioned_media.media_id(17918195224117851){caption,media_type,media_url,permalink,username,timestamp}', access_token: 'ig-access-token' },
      body: { mentioned_media: { caption: 'Loving my new kettle from @acme', media_type: 'IMAGE', permalink: 'https://www.instagram.com/p/C1aBcDeF/', username: 'kettle.fan', id: '17918195224117851' }, id: 'IG-ACCOUNT-1' },
    });
    const ig = await inbox('instagram', { pageId: 'IG-ACCOUNT-1', accessToken: 'ig-access-token', verifyToken: 'verify-me-please' });
    await post('instagram', ig.id, fixture('meta/instagram_caption_mention.json'));
    await ledger(ig.id, 1);
    const [mention] = await ticketsOf(ig.id);
    expect(mention.visibility).toBe('public');
    expect((await ticket(mention.id)).messages[0]).toMatchObject({ audience: 'public', text: 'Mentioned you in a post: Loving my new kettle from @acme\nhttps://www.instagram.com/p/C1aBcDeF/', author: { name: 'kettle.fan' } });
    // The public answer is a comment on the post whose caption mentioned us.
    await t.api('POST', `/api/tickets/${mention.id}/replies`, { text: 'Thank you, enjoy your tea!', audience: 'public' });
    await waitFor(async () => fake.calls.filter((c) => c.path === '/IG-ACCOUNT-1/mentions').length, (n) => n === 1);
    expect(fake.calls.find((c) => c.path === '/IG-ACCOUNT-1/mentions')).toMatchObject({ method: 'POST', query: { access_token: 'ig-access-token' }, body: { media_id: '17918195224117851', message: 'Thank you, enjoy your tea!' } });

    await post('instagram', ig.id, fixture('meta/instagram_dm.json'));
    await ledger(ig.id, 2);
    await post('instagram', ig.id, fixture('meta/instagram_reaction.json'));
    await ledger(ig.id, 3);
    const dmTicket = (await ticketsOf(ig.id)).find((x) => x.visibility === 'private');
    let view = await ticket(dmTicket.id);
    expect(view.messages).toHaveLength(1);
    expect(view.messages[0].reactions).toEqual([{ name: expect.any(String), emoji: '❤️' }]);
    expect(view.events.find((e) => e.type === 'reaction').data).toMatchObject({ messageId: view.messages[0].id, emoji: '❤️', externalId: 'aWdfZAG1faXRlbToxOklH-DM-1' });

    await post('instagram', ig.id, fixture('meta/instagram_unsend.json'));
    const rows = await ledger(ig.id, 4);
    expect(rows.at(-1)).toMatchObject({ key: `${ig.id}:meta:aWdfZAG1faXRlbToxOklH-DM-1:IGSID-1:deleted`, state: 'processed', messageId: view.messages[0].id });
    view = await ticket(dmTicket.id);
    expect(view.messages).toHaveLength(1);
    expect(view.messages[0]).toMatchObject({ withdrawn: true, hidden: true, text: 'My parcel never arrived' });
    expect(view.events.at(-1)).toMatchObject({ type: 'message.withdrawn', actor: { type: 'contact' }, data: { messageId: view.messages[0].id } });
    const agent = new AgentClient(t);
    await agent.signIn(t.admin.email, t.admin.password);
    const page = await agent.get(`/tickets/${dmTicket.id}`);
    expect(page.html).toContain('withdrawn by its author');
    expect(page.html).toContain('❤️');
    expect(page.html).toContain(`The customer withdrew message ${view.messages[0].id} on instagram`);
  });

  it('Telegram: reactions, joins, leaves and pins are ticket events (never posts), shown only to the audience of the message', async () => {
    const ib = await inbox('telegram', { botToken: '123456:EVENTS-token', botId: '998' });
    await post('telegram', ib.id, fixture('telegram/group_message.json'));
    await ledger(ib.id, 1);
    const [group] = await ticketsOf(ib.id);
    await post('telegram', ib.id, fixture('telegram/message_reaction.json'));
    await ledger(ib.id, 2);
    const anon = await t.api('GET', `/api/tickets/${group.id}`, undefined, '');
    expect(anon.body.messages[0].reactions).toEqual([{ name: 'Piotr', emoji: '👍' }]);
    let rows = await ledger(ib.id, 2);
    for (const f of ['message_reaction_removed', 'new_chat_members', 'left_chat_member', 'pinned_message', 'callback_query']) {
      await post('telegram', ib.id, fixture(`telegram/${f}.json`));
      rows = await ledger(ib.id, rows.length + 1);
    }
    expect(rows.at(-1)).toMatchObject({ state: 'ignored', error: 'Telegram callback_query update: nothing Chorus stores' });
    const view = await ticket(group.id);
    expect(view.messages).toHaveLength(1);
    expect(view.messages[0].reactions).toEqual([]);
    expect(view.events.filter((e) => e.type !== 'created').map((e) => [e.type, e.data.detail ?? e.data.emoji])).toEqual([
      ['reaction', '👍'],
      ['reaction', null],
      ['social.event', 'Amara joined Kettle Owners'],
      ['social.event', 'Piotr left Kettle Owners'],
      ['social.event', 'Grete pinned a message'],
    ]);
    expect(view.events.at(-1).data.messageId).toBe(view.messages[0].id);
    expect((await ticketsOf(ib.id))).toHaveLength(1);

    // A private chat: the photo is fetched through getFile; its reaction and the block stay private.
    fake.serve('/bot123456:EVENTS-token/getFile', { query: { file_id: 'AgACAgIAAxkBAAMLarge' }, body: { ok: true, result: { file_id: 'AgACAgIAAxkBAAMLarge', file_size: 9, file_path: 'photos/file_7.jpg' } } });
    fake.serve('/file/bot123456:EVENTS-token/photos/file_7.jpg', { body: Buffer.from('LID-PHOTO'), contentType: 'image/jpeg' });
    let n = 7;
    for (const f of ['private_photo', 'private_reaction', 'my_chat_member_blocked']) {
      await post('telegram', ib.id, fixture(`telegram/${f}.json`));
      await ledger(ib.id, ++n);
    }
    const priv = (await ticketsOf(ib.id)).find((x) => x.visibility === 'private');
    const pv = await ticket(priv.id);
    expect(pv.messages).toHaveLength(1);
    expect(pv.messages[0]).toMatchObject({ text: 'The lid cracked', reactions: [{ name: 'Lin', emoji: '😢' }], attachments: [{ filename: 'file_7.jpg', contentType: 'image/jpeg' }] });
    expect((await download(pv.messages[0].attachments[0].url)).toString()).toBe('LID-PHOTO');
    expect(pv.events.at(-1)).toMatchObject({ type: 'social.event', data: { event: 'bot-membership', detail: 'Lin blocked the bot' } });
    expect((await t.api('GET', `/api/tickets/${priv.id}`, undefined, '')).body.messages ?? []).toEqual([]);
  });

  it('WhatsApp: documents keep their file, contacts, orders, places and ad referrals read as text; a removed reaction updates the reaction', async () => {
    fake.serve('/1003383421387256', { auth: 'Bearer wa-access-token', body: { messaging_product: 'whatsapp', url: `${fake.url}/wa-media/1003383421387256`, mime_type: 'application/pdf', sha256: 'x', file_size: '8', id: '1003383421387256' } });
    fake.serve('/wa-media/1003383421387256', { auth: 'Bearer wa-access-token', body: Buffer.from('%PDF-1.7'), contentType: 'application/pdf' });
    fake.serve('/1003383421387257', { auth: 'Bearer wa-access-token', body: { url: `${fake.url}/wa-media/1003383421387257`, mime_type: 'image/jpeg', id: '1003383421387257' } });
    fake.serve('/wa-media/1003383421387257', { auth: 'Bearer someone-elses-token', body: Buffer.from('JPEG'), contentType: 'image/jpeg' });
    const ib = await inbox('whatsapp', { phoneNumberId: '106540352242922', accessToken: 'wa-access-token', verifyToken: 'verify-me-please' });
    const files = ['document', 'image', 'contacts', 'order', 'location_named', 'referral', 'reaction'];
    // One after the other, as a person sends them (the reaction answers the document).
    for (const [i, f] of files.entries()) {
      await post('whatsapp', ib.id, fixture(`whatsapp/${f}.json`));
      await ledger(ib.id, i + 1);
    }
    const [tk] = await ticketsOf(ib.id);
    let view = await ticket(tk.id);
    const [doc, img, contacts, order, loc, ref] = view.messages;
    expect(view.messages).toHaveLength(6);
    expect(doc).toMatchObject({ text: 'Here is the invoice', attachments: [{ filename: 'invoice-2291.pdf', contentType: 'application/pdf' }] });
    expect((await download(doc.attachments[0].url)).toString()).toBe('%PDF-1.7');
    expect(img.text).toBe('The dent\n(image could not be fetched)');
    expect(img.flags.media[0].error).toBe('the platform answered HTTP 401');
    expect(contacts.text).toBe('Shared a contact: Barbara J. Johnson · +1 (940) 555-1234 (HOME) · bjohnson@example.com · Lucky Shrub');
    expect(order.text).toBe('Placed an order (catalog 194836987003835):\n- 2 × di9ozbzfi4 at 30 USD\n- 1 × nqryix03ez at 25 USD\nPlease deliver before Friday');
    expect(loc.text).toBe('Location: Philz Coffee, 101 Forest Ave, Palo Alto, CA 94301 (37.44216251868683, -122.16153582049394)\nhttps://www.philzcoffee.com/');
    expect(ref.text).toBe('Is this still available?\n\nCame from an ad: Chat with us\nSummer sale: kettles 20% off\nhttps://fb.me/3cr4Wqqkv');
    expect(doc.reactions).toEqual([{ name: 'Sheena Nelson', emoji: '👍' }]);

    await post('whatsapp', ib.id, fixture('whatsapp/reaction_removed.json'));
    await ledger(ib.id, files.length + 1);
    view = await ticket(tk.id);
    expect(view.messages).toHaveLength(6);
    expect(view.messages[0].reactions).toEqual([]);
    expect(view.events.filter((e) => e.type === 'reaction').map((e) => [e.data.messageId, e.data.emoji, e.data.previous])).toEqual([[doc.id, '👍', null], [doc.id, null, '👍']]);
  });

  it('X: a DM photo is fetched with the bearer token; likes and follows are ignored with a reason; a deleted post is withdrawn', async () => {
    fake.serve('/ton/1.1/ton/data/dm/1826342890123456789/1826342880000000000/Ab12Cd.jpg', { auth: 'Bearer x-bearer-token', body: Buffer.from('DM-PHOTO'), contentType: 'image/jpeg' });
    const ib = await inbox('x', { accountId: '1', bearerToken: 'x-bearer-token' });
    for (const f of ['dm_photo', 'favorite_and_follow', 'tweet_create']) await post('x', ib.id, fixture(`x/${f}.json`));
    await ledger(ib.id, 4);
    const rows = await ledger(ib.id, 4);
    expect(rows.filter((r) => r.state === 'ignored').map((r) => r.error).sort()).toEqual(['X favorite events: nothing to store', 'X follow events: nothing to store']);
    const tickets = await ticketsOf(ib.id);
    const dm = tickets.find((x) => x.visibility === 'private');
    const [photo] = (await ticket(dm.id)).messages;
    expect(photo.attachments[0]).toMatchObject({ filename: 'photo-1826342880000000000.jpg', contentType: 'image/jpeg' });
    expect((await download(photo.attachments[0].url)).toString()).toBe('DM-PHOTO');

    const pub = tickets.find((x) => x.visibility === 'public');
    expect((await t.api('GET', `/api/tickets/${pub.id}`, undefined, '')).body.messages).toHaveLength(1);
    await post('x', ib.id, fixture('x/tweet_delete.json'));
    await ledger(ib.id, 5);
    expect((await t.api('GET', `/api/tickets/${pub.id}`, undefined, '')).body.messages).toEqual([]);
    expect((await ticket(pub.id)).messages[0]).toMatchObject({ withdrawn: true, text: '@acme my kettle whistles all night' });
  });
});

describe('Mastodon inboxes change at run time', () => {
  it('an inbox created through the API is polled at once, and an edit applies at the next tick without a restart', async () => {
    const t = await startTestChorus();
    const fake = await fakePlatform();
    try {
      const list = JSON.parse(fs.readFileSync(path.join(FIX, 'mastodon/notifications_direct_mention.json'), 'utf8'));
      // A mention whose status lost its account: a failed ledger row with the reason, not a crash.
      setMastodonMentions([{ id: '34975860', type: 'mention', created_at: '2026-07-29T11:00:00.000Z', status: { id: '103186126728896400', visibility: 'public', content: '<p>hi</p>' } }, ...list]);
      const created = await t.api('POST', '/api/inboxes', { name: 'Acme on Mastodon', channel: 'mastodon', settings: { apiBaseUrl: fake.url, accessToken: 'masto-token-one', pollSeconds: 3600 } });
      expect(created.status).toBe(201);
      const id = created.body.inbox.id;
      const tickets = await waitFor(async () => (await t.api('GET', `/api/tickets?inbox=${id}`)).body.tickets as any[], (x) => x.length === 1);
      expect(tickets[0]).toMatchObject({ visibility: 'private', requester: { name: 'Zora S. C.' } });
      const polls = (token: string) => fake.calls.filter((c) => c.path === '/api/v1/notifications' && c.auth === `Bearer ${token}`);
      expect(polls('masto-token-one')).toHaveLength(1);
      const rows = await waitFor(async () => (await t.s.db.m.query(`SELECT state, error FROM inbound_items WHERE inbox_id = ${id} ORDER BY id`)) as { state: string; error: string }[], (r) => r.length === 2 && r.every((x) => x.state !== 'received'));
      expect(rows.map((r) => r.state).sort()).toEqual(['failed', 'processed']);
      expect(rows.find((r) => r.state === 'failed')!.error).toMatch(/mastodon payload is not of the documented shape: status.account/);

      // pollSeconds is an hour: only the edit can bring the next poll, with the new token.
      const edited = await t.api('PATCH', `/api/inboxes/${id}`, { settings: { accessToken: 'masto-token-two' } });
      expect(edited.status).toBe(200);
      await waitFor(async () => polls('masto-token-two').length, (n) => n >= 1);
      expect(polls('masto-token-two')[0].query.since_id).toBe('34975861');
      expect((await t.api('PATCH', `/api/inboxes/${id}`, { settings: { pollSeconds: 1 } })).status).toBe(400);
    } finally {
      await t.stop();
      await fake.close();
    }
  });
});
