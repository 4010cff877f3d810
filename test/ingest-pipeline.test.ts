import type { InboundMessage } from '../src/channels/inbound-message';
import { createInbox } from '../src/inboxes/create-inbox';
import { signReplyToken } from '../src/mail/reply-token';
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
  const send = (msg: Partial<InboundMessage> & { from: string }) => {
    const full: InboundMessage = { channel: 'email', author: { kind: 'email', value: msg.from }, text: 'hello', ...msg };
    return t.s.ingest.ingest(inbox, [{ key: `k${++n}`, raw: JSON.stringify(full), rawType: RAW }]).then((r) => r[0]);
  };

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

  it('never opens a ticket for an auto-reply, and does not reopen on one', async () => {
    const ooo = await send({ from: 'eve@x.test', subject: 'Out of office', noise: { autoReply: true, reason: 'auto-submitted' } });
    expect(ooo).toMatchObject({ state: 'ignored', ticketId: null });
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
    const bounce = await send({ from: 'mailer-daemon@x.test', subject: 'Undelivered', noise: { bounce: true, bouncedMessageIds: [sent.emailMessageId], bounceReason: '550 mailbox unknown' } });
    expect(bounce.state).toBe('ignored');
    const detail = await t.api('GET', `/api/tickets/${a.ticketId}`);
    const ours = detail.body.messages.find((m: any) => m.id === reply.body.message.id);
    expect(ours).toMatchObject({ deliveryState: 'failed', deliveryError: '550 mailbox unknown' });
    expect(detail.body.messages).toHaveLength(2);
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
