import type { InboundMessage } from '../src/channels/inbound-message';
import { createInbox } from '../src/inboxes/create-inbox';
import { signReplyToken } from '../src/mail/reply-token';
import { inboxRepository } from '../src/db/repositories/inbox.repository';
import { ticketEventRepository } from '../src/db/repositories/ticket-event.repository';
import { ticketRepository } from '../src/db/repositories/ticket.repository';
import { DB_KINDS, startTestChorus, type TestChorus } from './helpers/test-chorus';

// A test channel whose raw items are InboundMessage JSON, so each threading rule can be driven directly.
const RAW = 'test.inbound';
let failNext = false;
// When set, the next parse waits for it: a second worker can then try the same row mid-way.
let holdNext: Promise<void> | null = null;
const testModule = {
  name: 'test-channel',
  register: (s: TestChorus['s']) =>
    s.parsers.register({
      channels: ['email'],
      parsers: {
        [RAW]: async (raw: string) => {
          if (holdNext) {
            const hold = holdNext;
            holdNext = null;
            await hold;
          }
          if (failNext) {
            failNext = false;
            throw new Error('parser exploded');
          }
          return JSON.parse(raw) as InboundMessage;
        },
      },
    }),
};

describe.each(DB_KINDS)('the ingest pipeline (%s)', (db) => {
  let t: TestChorus;
  let inbox: Awaited<ReturnType<typeof createInbox>>;
  let n = 0;
  // As the channels do, the inbox is read as the message arrives (its settings as they are now).
  const sendTo = async (to: typeof inbox, msg: Partial<InboundMessage> & { from: string }) => {
    const full: InboundMessage = { channel: 'email', author: { kind: 'email', value: msg.from }, text: 'hello', ...msg };
    const current = (await inboxRepository.findById(t.s.db.m, to.id))!;
    return t.s.ingest.ingest(current, [{ key: `k${++n}`, raw: JSON.stringify(full), rawType: RAW }]).then((r) => r[0]);
  };
  const send = (msg: Partial<InboundMessage> & { from: string }) => sendTo(inbox, msg);
  const detailOf = async (id: number | null) => (await t.api('GET', `/api/tickets/${id}`)).body;
  const contactOf = async (email: string) => (await t.s.db.m.query(`SELECT contact_id AS id FROM identities WHERE value = '${email}'`))[0].id as number;

  beforeAll(async () => {
    const { modules } = await import('../src/modules');
    t = await startTestChorus({ db, modules: [...modules, testModule as never] });
    inbox = await createInbox(t.s.db, Date.now(), { name: 'Support', channel: 'email', address: 'support@acme.test', followUpDays: 30 });
  });
  afterAll(async () => t.stop());

  it('threads by In-Reply-To, then References, then a signed reply token', async () => {
    const a = await send({ from: 'ann@x.test', subject: 'Help', emailMessageId: '<a1@x.test>' });
    expect(a.state).toBe('processed');
    const byIrt = await send({ from: 'ann@x.test', subject: 'Re: Help', emailMessageId: '<a2@x.test>', inReplyTo: ['<a1@x.test>'] });
    expect(byIrt.ticketId).toBe(a.ticketId);
    const byRefs = await send({ from: 'ann@x.test', subject: 'Re: Help', emailMessageId: '<a3@x.test>', inReplyTo: ['<rewritten@client>'], references: ['<a1@x.test>', '<a2@x.test>'] });
    expect(byRefs.ticketId).toBe(a.ticketId);
    const byToken = await send({ from: 'ann@x.test', subject: 'no headers', replyToken: signReplyToken('test-secret-0123456789abcdef', a.ticketId!) });
    expect(byToken.ticketId).toBe(a.ticketId);
    const forged = await send({ from: 'ann@x.test', subject: 'forged', replyToken: `t${a.ticketId}-0000000000000000` });
    expect(forged.ticketId).not.toBe(a.ticketId);
    const detail = await t.api('GET', `/api/tickets/${a.ticketId}`);
    expect(detail.body.messages.map((m: any) => m.threadLink.rule)).toEqual(['new', 'in-reply-to', 'references', 'reply-token']);
  });

  it('attaches a [#number] subject only for a participant of that ticket', async () => {
    const a = await send({ from: 'bob@x.test', subject: 'Order missing' });
    const own = await send({ from: 'BOB@x.test', subject: `Re: [#${a.ticketId}] Order missing` });
    expect(own.ticketId).toBe(a.ticketId);
    const stranger = await send({ from: 'mallory@evil.test', subject: `[#${a.ticketId}] let me in` });
    expect(stranger.ticketId).not.toBe(a.ticketId);
    const cc = await send({ from: 'bob@x.test', subject: 'With my colleague', participants: [{ kind: 'email', value: 'carol@x.test' }], emailMessageId: '<cc1@x.test>' });
    const ccReply = await send({ from: 'carol@x.test', subject: `Re: [#${cc.ticketId}] With my colleague` });
    expect(ccReply.ticketId).toBe(cc.ticketId);
  });

  it('does not merge many people answering one widely sent mail into one ticket', async () => {
    const announce = await send({ from: 'boss@corp.test', subject: 'New office hours', emailMessageId: '<news@corp.test>' });
    const replies = [];
    for (const who of ['r1@corp.test', 'r2@corp.test', 'r3@corp.test']) replies.push(await send({ from: who, subject: 'Re: New office hours', inReplyTo: ['<news@corp.test>'] }));
    const ids = new Set(replies.map((r) => r.ticketId));
    expect(ids.size).toBe(3);
    expect(ids.has(announce.ticketId)).toBe(false);
  });

  it('reopens a solved ticket on a customer reply, and opens a linked follow-up for a long-closed one', async () => {
    const a = await send({ from: 'dan@x.test', subject: 'Solved soon', emailMessageId: '<d1@x.test>' });
    await t.api('PATCH', `/api/tickets/${a.ticketId}`, { status: 'solved' });
    await send({ from: 'dan@x.test', inReplyTo: ['<d1@x.test>'], emailMessageId: '<d2@x.test>' });
    expect((await ticketRepository.findById(t.s.db.m, a.ticketId!))!.status).toBe('open');
    await t.api('PATCH', `/api/tickets/${a.ticketId}`, { status: 'closed' });
    await t.s.db.write((m) => ticketRepository.update(m, a.ticketId!, { lastActivityAt: Date.now() - 40 * 86_400_000 }));
    const late = await send({ from: 'dan@x.test', inReplyTo: ['<d2@x.test>'] });
    expect(late.ticketId).not.toBe(a.ticketId);
    const follow = await t.api('GET', `/api/tickets/${late.ticketId}`);
    expect(follow.body.ticket.followUpOfId).toBe(a.ticketId);
    expect(follow.body.messages[0].threadLink.rule).toBe('follow-up');
  });

  it('keeps In-Reply-To, References and [#number] inside the receiving inbox', async () => {
    const sales = await createInbox(t.s.db, Date.now(), { name: 'Sales', channel: 'email', address: 'sales@acme.test' });
    const there = await sendTo(sales, { from: 'ivy@x.test', subject: 'Quote please', emailMessageId: '<ivy1@x.test>' });
    const byIrt = await send({ from: 'ivy@x.test', subject: 'Re: Quote please', inReplyTo: ['<ivy1@x.test>'], emailMessageId: '<ivy2@x.test>' });
    const byRefs = await send({ from: 'ivy@x.test', subject: 'Re: Quote please', references: ['<ivy1@x.test>'] });
    const byNumber = await send({ from: 'ivy@x.test', subject: `Re: [#${there.ticketId}] Quote please` });
    for (const r of [byIrt, byRefs, byNumber]) {
      expect(r.ticketId).not.toBe(there.ticketId);
      expect((await ticketRepository.findById(t.s.db.m, r.ticketId!))!.inboxId).toBe(inbox.id);
    }
    expect((await detailOf(there.ticketId)).messages).toHaveLength(1);
    // Inside one inbox the same headers still thread.
    const again = await send({ from: 'ivy@x.test', subject: 'Re: Quote please', inReplyTo: ['<ivy2@x.test>'] });
    expect(again.ticketId).toBe(byIrt.ticketId);
    // A platform post id repeats across accounts: a reply finds the post of its own inbox.
    const post = await send({ from: 'ivy@x.test', subject: 'Post', externalId: 'post-100' });
    await sendTo(sales, { from: 'ivy@x.test', subject: 'Other account, same id', externalId: 'post-100' });
    const reply = await send({ from: 'ivy@x.test', replyToExternalId: 'post-100', externalId: 'post-101' });
    expect(reply.ticketId).toBe(post.ticketId);
  });

  it('opens a linked ticket for a stranger on the key of a private conversation, and never makes them a participant', async () => {
    const dm = { threadKey: 'dm-42', audienceHint: 'private' as const };
    const own = await send({ from: 'jo@x.test', subject: 'My order', ...dm });
    const stranger = await send({ from: 'mal@x.test', subject: 'me too', ...dm });
    expect(stranger.ticketId).not.toBe(own.ticketId);
    const beside = await detailOf(stranger.ticketId);
    expect(beside.ticket.followUpOfId).toBe(own.ticketId);
    expect(beside.messages[0].threadLink).toMatchObject({ rule: 'thread-key', evidence: `dm-42: not a participant of private #${own.ticketId}` });
    expect(await ticketRepository.isParticipant(t.s.db.m, own.ticketId!, await contactOf('mal@x.test'))).toBe(false);
    expect((await detailOf(own.ticketId)).messages).toHaveLength(1);
    // Each keeps their own ticket on the shared key.
    expect((await send({ from: 'jo@x.test', ...dm })).ticketId).toBe(own.ticketId);
    expect((await send({ from: 'mal@x.test', ...dm })).ticketId).toBe(stranger.ticketId);
  });

  it('lets a stranger post publicly on a public thread key without becoming a participant; their private message opens its own ticket', async () => {
    const post = await send({ from: 'pia@x.test', subject: 'Is the app down?', threadKey: 'post-7', audienceHint: 'public' });
    const answer = await send({ from: 'sam@x.test', threadKey: 'post-7', audienceHint: 'public', text: 'Works for me' });
    expect(answer.ticketId).toBe(post.ticketId);
    const pub = await detailOf(post.ticketId);
    expect(pub.ticket.visibility).toBe('public');
    expect(pub.messages.at(-1)).toMatchObject({ text: 'Works for me', audience: 'public' });
    expect(await ticketRepository.isParticipant(t.s.db.m, post.ticketId!, await contactOf('sam@x.test'))).toBe(false);
    const dm = await send({ from: 'sam@x.test', threadKey: 'post-7', audienceHint: 'private', text: 'my card number is…' });
    expect(dm.ticketId).not.toBe(post.ticketId);
    expect((await detailOf(dm.ticketId)).ticket).toMatchObject({ visibility: 'private', followUpOfId: post.ticketId });
  });

  it('never strands a reply to a closed ticket: a linked follow-up by default (later replies join it), or a reopen where the inbox says so', async () => {
    const a = await send({ from: 'kim@x.test', subject: 'Closed soon', emailMessageId: '<k1@x.test>' });
    await t.api('PATCH', `/api/tickets/${a.ticketId}`, { status: 'closed' });
    const r1 = await send({ from: 'kim@x.test', inReplyTo: ['<k1@x.test>'], text: 'one more thing' });
    expect(r1.ticketId).not.toBe(a.ticketId);
    const follow = await detailOf(r1.ticketId);
    expect(follow.ticket).toMatchObject({ followUpOfId: a.ticketId, status: 'new' });
    expect(follow.messages[0].threadLink).toMatchObject({ rule: 'follow-up', evidence: `follow-up of closed #${a.ticketId} (in-reply-to: <k1@x.test>)` });
    const r2 = await send({ from: 'kim@x.test', inReplyTo: ['<k1@x.test>'], text: 'and another' });
    expect(r2.ticketId).toBe(r1.ticketId);
    expect((await detailOf(a.ticketId)).messages).toHaveLength(1);

    const reopening = await createInbox(t.s.db, Date.now(), { name: 'Reopens', channel: 'email', address: 'reopen@acme.test', followUpDays: 30 });
    const patched = await t.api('PATCH', `/api/inboxes/${reopening.id}`, { closedReplies: 'reopen' });
    expect(patched.body.inbox.closedReplies).toBe('reopen');
    expect((await t.api('PATCH', `/api/inboxes/${reopening.id}`, { closedReplies: 'strand' })).status).toBe(400);
    expect((await t.api('GET', '/api/inboxes')).body.inboxes.find((i: any) => i.id === reopening.id).closedReplies).toBe('reopen');
    const b = await sendTo(reopening, { from: 'lou@x.test', subject: 'Reopen me', emailMessageId: '<l1@x.test>' });
    await t.api('PATCH', `/api/tickets/${b.ticketId}`, { status: 'closed' });
    const back = await sendTo(reopening, { from: 'lou@x.test', inReplyTo: ['<l1@x.test>'], emailMessageId: '<l2@x.test>' });
    expect(back.ticketId).toBe(b.ticketId);
    const reopened = await detailOf(b.ticketId);
    expect(reopened.ticket.status).toBe('open');
    const [ev] = (await ticketEventRepository.listByTicket(t.s.db.m, b.ticketId!)).filter((e) => e.type === 'status').reverse();
    expect(ev.data).toMatchObject({ from: 'closed', to: 'open', reason: `reopened: customer replied to closed #${b.ticketId}` });
    // Past the follow-up window even a reopening inbox opens a follow-up.
    await t.api('PATCH', `/api/tickets/${b.ticketId}`, { status: 'closed' });
    await t.s.db.write((m) => ticketRepository.update(m, b.ticketId!, { lastActivityAt: Date.now() - 40 * 86_400_000 }));
    const late = await sendTo(reopening, { from: 'lou@x.test', inReplyTo: ['<l2@x.test>'] });
    expect((await detailOf(late.ticketId)).ticket.followUpOfId).toBe(b.ticketId);
  });

  it('keeps an auto-reply with no ticket as a flagged automatic ticket, and does not reopen on one', async () => {
    const ooo = await send({ from: 'eve@x.test', subject: 'Out of office', noise: { autoReply: true, reason: 'Auto-Submitted: auto-replied' } });
    expect(ooo).toMatchObject({ state: 'processed', ticketId: expect.any(Number), messageId: expect.any(Number) });
    const kept = await t.api('GET', `/api/tickets/${ooo.ticketId}`);
    expect(kept.body.ticket).toMatchObject({ automatic: 'Auto-Submitted: auto-replied', slaDueAt: null, assignee: null });
    expect(kept.body.messages[0]).toMatchObject({ audience: 'participants', flags: { noise: { autoReply: true } } });
    expect(kept.body.events[0].data).toMatchObject({ automatic: 'Auto-Submitted: auto-replied' });
    const triage = await t.api('GET', '/api/tickets?limit=200');
    expect(triage.body.tickets.map((x: any) => x.id)).not.toContain(ooo.ticketId);
    const automatic = await t.api('GET', '/api/tickets?automatic=only');
    expect(automatic.body.tickets.map((x: any) => x.id)).toContain(ooo.ticketId);
    const a = await send({ from: 'eve@x.test', subject: 'Real question', emailMessageId: '<e1@x.test>' });
    await t.api('PATCH', `/api/tickets/${a.ticketId}`, { status: 'pending' });
    const auto = await send({ from: 'eve@x.test', inReplyTo: ['<e1@x.test>'], noise: { autoReply: true } });
    expect(auto.ticketId).toBe(a.ticketId);
    expect((await ticketRepository.findById(t.s.db.m, a.ticketId!))!.status).toBe('pending');
  });

  it('marks the outbound message failed when its bounce comes back', async () => {
    const a = await send({ from: 'fay@x.test', subject: 'Bounce me' });
    const reply = await t.api('POST', `/api/tickets/${a.ticketId}/replies`, { text: 'our answer' });
    // The bounce can only come back after the mail went out with our Message-ID.
    let sent: any;
    for (let i = 0; i < 100 && sent?.deliveryState !== 'sent'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      sent = (await t.api('GET', `/api/tickets/${a.ticketId}`)).body.messages.find((m: any) => m.id === reply.body.message.id);
    }
    expect(sent.emailMessageId).toMatch(/^<chorus\.m\d+\./);
    const bounce = await send({ from: 'mailer-daemon@x.test', subject: 'Undelivered', text: 'Delivery to fay@x.test failed: 550 mailbox unknown', noise: { bounce: true, reason: 'delivery report', bouncedMessageIds: [sent.emailMessageId], bounceReason: '550 mailbox unknown' } });
    expect(bounce).toMatchObject({ state: 'processed', ticketId: a.ticketId });
    const detail = await t.api('GET', `/api/tickets/${a.ticketId}`);
    const ours = detail.body.messages.find((m: any) => m.id === reply.body.message.id);
    expect(ours).toMatchObject({ deliveryState: 'failed', deliveryError: '550 mailbox unknown' });
    // The report itself is kept beside it, for agents only; the mail server never joins the ticket.
    expect(detail.body.messages).toHaveLength(3);
    const report = detail.body.messages.find((m: any) => m.id === bounce.messageId);
    expect(report).toMatchObject({ audience: 'staff', threadLink: { rule: 'bounce' }, flags: { noise: { bounce: true } } });
    expect(detail.body.ticket.automatic).toBeNull();
    expect(detail.body.ticket.snippet).not.toContain('550');
    expect(detail.body.participants.map((p: any) => p.contactId)).toEqual([detail.body.ticket.requester.id]);
  });

  it('keeps a bounce that matches none of our mails as an automatic, staff-only ticket', async () => {
    const bounce = await send({ from: 'postmaster@far.test', subject: 'Returned mail', text: 'unknown recipient', noise: { bounce: true, reason: 'delivery report', bouncedMessageIds: ['<never-ours@far.test>'] } });
    expect(bounce).toMatchObject({ state: 'processed', ticketId: expect.any(Number) });
    const d = await t.api('GET', `/api/tickets/${bounce.ticketId}`);
    expect(d.body.ticket.automatic).toBe('delivery report');
    expect(d.body.messages[0]).toMatchObject({ audience: 'staff', text: 'unknown recipient' });
  });

  it('files a stranger\'s auto-reply on a ticket as a staff message, and a person writing on an automatic ticket brings it to the inbox', async () => {
    const a = await send({ from: 'ivy@x.test', subject: 'Need help', emailMessageId: '<i1@x.test>' });
    const token = signReplyToken('test-secret-0123456789abcdef', a.ticketId!);
    const ooo = await send({ from: 'someone-else@y.test', subject: 'Away', replyToken: token, noise: { autoReply: true, reason: 'auto-responder header' } });
    expect(ooo.ticketId).toBe(a.ticketId);
    const d = await t.api('GET', `/api/tickets/${a.ticketId}`);
    expect(d.body.messages.find((m: any) => m.id === ooo.messageId).audience).toBe('staff');
    expect(d.body.participants).toHaveLength(1);

    const list = await send({ from: 'news@lists.test', subject: 'Weekly digest', emailMessageId: '<digest1@lists.test>', noise: { bulk: true, reason: 'mailing list' } });
    expect((await ticketRepository.findById(t.s.db.m, list.ticketId!))!.automatic).toBe('mailing list');
    await send({ from: 'news@lists.test', subject: 'Re: Weekly digest', inReplyTo: ['<digest1@lists.test>'], text: 'A person answering' });
    const after = await t.api('GET', `/api/tickets/${list.ticketId}`);
    expect(after.body.ticket.automatic).toBeNull();
    expect(after.body.events.at(-1)).toMatchObject({ type: 'restored', data: { automatic: 'mailing list', reason: 'a person wrote' } });
  });

  it('leaves a failing item `failed` with its error, loses nothing, and replays it', async () => {
    failNext = true;
    const r = await send({ from: 'gus@x.test', subject: 'Fragile' });
    expect(r.state).toBe('failed');
    expect(r.error).toMatch(/^parse: parser exploded/);
    const failed = await t.api('GET', '/api/ingest/items?state=failed');
    expect(failed.body.items.map((i: any) => i.id)).toContain(r.itemId);
    const replayed = await t.api('POST', `/api/ingest/items/${r.itemId}/replay`);
    expect(replayed.body).toMatchObject({ state: 'processed', ticketId: expect.any(Number) });
    const again = await t.api('POST', `/api/ingest/items/${r.itemId}/replay`);
    expect(again.body.messageId).toBe(replayed.body.messageId);
  });

  it('lets only one worker process a row: a replay running while another is mid-way leaves it alone', async () => {
    failNext = true;
    const r = await send({ from: 'hal@x.test', subject: 'Twice?' });
    expect(r.state).toBe('failed');
    let release = () => {};
    holdNext = new Promise<void>((ok) => (release = ok));
    const first = t.s.ingest.process(r.itemId);
    // The first worker has claimed the row and waits inside the pipeline; a second one comes.
    for (let i = 0; i < 100 && holdNext; i++) await new Promise((ok) => setTimeout(ok, 10));
    const second = await t.s.ingest.process(r.itemId);
    expect(second.messageId).toBeNull();
    release();
    const done = await first;
    expect(done).toMatchObject({ state: 'processed', messageId: expect.any(Number) });
    const messages = (await t.api('GET', `/api/tickets/${done.ticketId}`)).body.messages;
    expect(messages.filter((m: any) => m.text === 'hello')).toHaveLength(1);
  });
});
