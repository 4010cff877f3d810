import type { InboundMessage } from '../src/channels/inbound-message';
import { contactRepository } from '../src/db/repositories/contact.repository';
import { reportFactRepository, ticketFact } from '../src/db/repositories/report-fact.repository';
import { createInbox } from '../src/inboxes/create-inbox';
import { backfillFacts } from '../src/reports/backfill';
import { splitTicket } from '../src/tickets/commands/split-ticket';
import { mergeContacts } from '../src/contacts/commands/merge-contacts';
import { factsWriter } from '../src/reports/facts-writer';
import { acceptAnswer } from '../src/tickets/commands/accept-answer';
import { addReply } from '../src/tickets/commands/add-reply';
import { addNote } from '../src/tickets/commands/add-note';
import { assign } from '../src/tickets/commands/assign';
import { changeStatus } from '../src/tickets/commands/change-status';
import { contactReply } from '../src/tickets/commands/contact-reply';
import { mergeTicket } from '../src/tickets/commands/merge-ticket';
import { restoreTicket } from '../src/tickets/commands/restore-ticket';
import { undoTicketEvent } from '../src/tickets/commands/undo-ticket-event';
import { ticketEventRepository } from '../src/db/repositories/ticket-event.repository';
import { DB_KINDS, startTestChorus, type TestChorus, jsonChannelModule } from './helpers/test-chorus';

// A channel whose raw items are InboundMessage JSON, for mail and public posts at known times.
const RAW = 'test.facts';
const testModule = jsonChannelModule(RAW);

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

// The columns a report reads, without ids: what the hand-computed rows below state.
const row = (f: any) => ({ kind: f.kind, at: f.at - T0, ticketId: f.ticketId, agentId: f.agentId, contactId: f.contactId, audience: f.audience, from: f.statusFrom, to: f.statusTo, wallMin: f.wallMs === null ? null : f.wallMs / MIN, reach: f.reach, value: f.value, messageId: f.messageId, channel: f.channel, visibility: f.visibility });
const order = (a: any, b: any) => a.at - b.at || a.kind.localeCompare(b.kind) || (a.messageId ?? 0) - (b.messageId ?? 0);

describe.each(DB_KINDS)('reporting facts (%s)', (db) => {
  let t: TestChorus;
  let clock = T0;
  let n = 0;
  let mail: Awaited<ReturnType<typeof createInbox>>;
  let social: Awaited<ReturnType<typeof createInbox>>;
  let agent: { kind: 'agent'; agentId: number; role: 'admin'; name: string };
  const at = (min: number) => (clock = T0 + min * MIN);
  const send = (inbox: typeof mail, msg: Partial<InboundMessage> & { author: InboundMessage['author'] }, historic = false) =>
    t.s.ingest.ingest(inbox, [{ key: `f${++n}`, raw: JSON.stringify({ channel: inbox.channel, text: 'hello', ...msg }), rawType: RAW, historic }]).then((r) => r[0]);
  const factsOf = async (ticketId: number) => (await reportFactRepository.listByTicket(t.s.db.m, ticketId)).map(row).sort(order);
  const contactOf = async (kind: string, value: string) => (await contactRepository.findIdentity(t.s.db.m, kind, value))!.contactId;
  const mailTo = (from: string, extra: Partial<InboundMessage> = {}, historic = false) => send(mail, { author: { kind: 'email', value: from }, subject: 'Help', ...extra }, historic);

  beforeAll(async () => {
    const { modules } = await import('../src/modules');
    t = await startTestChorus({ db, modules: [...modules, testModule as never], now: () => clock });
    mail = await createInbox(t.s.db, T0, { name: 'Support', channel: 'email', address: 'support@acme.test' });
    social = await createInbox(t.s.db, T0, { name: '@acme', channel: 'x', settings: { accountId: '999', bearerToken: 'test-bearer-token', apiBaseUrl: 'http://127.0.0.1:9' } });
    agent = { kind: 'agent', agentId: t.admin.id, role: 'admin', name: 'Ada Admin' };
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

  it('writes a change\'s facts in its own transaction: a change that fails leaves none, one that commits leaves all', async () => {
    const ticket = { id: 9002, inboxId: 1, channel: 'email', teamId: null, visibility: 'private', requesterId: 1, createdAt: T0, automatic: null, mergedIntoId: null } as never;
    await expect(t.s.db.transaction(async ({ m }) => {
      await factsWriter.ticketCreated(m, ticket, T0, { contactId: 1 });
      await factsWriter.assigned(m, ticket, 5, T0);
      throw new Error('the change failed');
    })).rejects.toThrow('the change failed');
    expect(await reportFactRepository.listByTicket(t.s.db.m, 9002)).toEqual([]);
    await t.s.db.transaction(async ({ m }) => {
      await factsWriter.ticketCreated(m, ticket, T0, { contactId: 1 });
      await factsWriter.assigned(m, ticket, 5, T0 + 1);
    });
    expect((await reportFactRepository.listByTicket(t.s.db.m, 9002)).map((f) => f.kind)).toEqual(['ticket_created', 'assigned']);
    await t.s.db.write((m) => reportFactRepository.deleteByTicket(m, [9002]));
  });

  it('keeps the hand-computed facts of an answered, reopened, merged and community-solved history, and a backfill rebuilds the same rows', async () => {
    const A = 'participants';
    // An e-mail ticket answered (and solved) after 90 minutes, reopened by the customer, solved again.
    at(0);
    const a = await mailTo('ann@x.test', { emailMessageId: '<a1@x.test>' });
    const ann = await contactOf('email', 'ann@x.test');
    at(90);
    const reply = await addReply(t.s.commands, agent, a.ticketId!, { audience: A, text: 'Try this.', status: 'solved' });
    at(100);
    const note = await addNote(t.s.commands, agent, a.ticketId!, { text: 'customer is on the old plan' });
    at(120);
    const back = await mailTo('ann@x.test', { subject: 'Re: Help', emailMessageId: '<a2@x.test>', inReplyTo: ['<a1@x.test>'] });
    expect(back.ticketId).toBe(a.ticketId);
    at(180);
    await changeStatus(t.s.commands, agent, a.ticketId!, 'solved');
    const common = { ticketId: a.ticketId, channel: 'email', visibility: 'private', reach: null, value: null };
    expect(await factsOf(a.ticketId!)).toEqual([
      { ...common, kind: 'ticket_created', at: 0, agentId: null, contactId: ann, audience: null, from: null, to: null, wallMin: null, messageId: null },
      { ...common, kind: 'agent_reply', at: 90 * MIN, agentId: agent.agentId, contactId: null, audience: A, from: null, to: null, wallMin: null, messageId: reply.id },
      { ...common, kind: 'first_response', at: 90 * MIN, agentId: agent.agentId, contactId: null, audience: A, from: null, to: null, wallMin: 90, messageId: reply.id },
      { ...common, kind: 'status_changed', at: 90 * MIN, agentId: agent.agentId, contactId: null, audience: null, from: 'new', to: 'solved', wallMin: 90, messageId: null },
      { ...common, kind: 'note', at: 100 * MIN, agentId: agent.agentId, contactId: null, audience: 'staff', from: null, to: null, wallMin: null, messageId: note.id },
      { ...common, kind: 'customer_reply', at: 120 * MIN, agentId: null, contactId: ann, audience: A, from: null, to: null, wallMin: null, messageId: back.messageId },
      { ...common, kind: 'status_changed', at: 120 * MIN, agentId: null, contactId: ann, audience: null, from: 'solved', to: 'open', wallMin: null, messageId: null },
      { ...common, kind: 'status_changed', at: 180 * MIN, agentId: agent.agentId, contactId: null, audience: null, from: 'open', to: 'solved', wallMin: 180, messageId: null },
    ]);

    // A duplicate merged into the first of Bob's tickets: its facts count under the survivor, and come back on undo.
    at(10);
    const b = await mailTo('bob@x.test', { subject: 'Order 1', emailMessageId: '<b1@x.test>' });
    at(20);
    const c = await mailTo('bob@x.test', { subject: 'Order 1 again', emailMessageId: '<c1@x.test>' });
    const bob = await contactOf('email', 'bob@x.test');
    at(30);
    await assign(t.s.commands, agent, c.ticketId!, { agentId: agent.agentId });
    const cFacts = await factsOf(c.ticketId!);
    expect(cFacts.map((f) => [f.kind, f.at / MIN, f.contactId ?? f.agentId])).toEqual([['ticket_created', 20, bob], ['assigned', 30, agent.agentId]]);
    at(40);
    await mergeTicket(t.s.commands, agent, c.ticketId!, b.ticketId!);
    expect(await factsOf(c.ticketId!)).toEqual([]);
    // The duplicate counted as new, and the merge closes it (it leaves the backlog).
    expect((await factsOf(b.ticketId!)).map((f) => [f.kind, f.at / MIN, f.ticketId, f.from, f.to])).toEqual([
      ['ticket_created', 10, b.ticketId, null, null], ['ticket_created', 20, b.ticketId, null, null], ['assigned', 30, b.ticketId, null, null], ['status_changed', 40, b.ticketId, 'open', 'closed'],
    ]);
    at(50);
    const merged = (await ticketEventRepository.listByTicket(t.s.db.m, b.ticketId!)).find((e) => e.type === 'merged')!;
    await undoTicketEvent(t.s.commands, agent, b.ticketId!, merged.id);
    expect(await factsOf(c.ticketId!)).toEqual(cFacts);
    expect((await factsOf(b.ticketId!)).map((f) => f.kind)).toEqual(['ticket_created']);

    // A public question by an account with 5,000 followers: a member answers after an hour, the
    // asker posts again, an agent answers 30 minutes later, the asker accepts the member's answer.
    at(0);
    const q = await send(social, { author: { kind: 'x', value: '111', handle: 'dora', followers: 5000 }, audienceHint: 'public', threadKey: 'post:1', externalId: 'p1', text: 'Does it work offline?' });
    const dora = await contactOf('x', '111');
    const carol = await t.s.db.write((m) => contactRepository.create(m, 'Carol', T0));
    at(60);
    const answer = await contactReply(t.s.commands, { kind: 'contact', contactId: carol, name: 'Carol' }, q.ticketId!, { text: 'Yes, since 2.0.' });
    at(120);
    const again = await send(social, { author: { kind: 'x', value: '111', handle: 'dora', followers: 5000 }, audienceHint: 'public', threadKey: 'post:1', externalId: 'p2', text: 'Even on Android?' });
    expect(again.ticketId).toBe(q.ticketId);
    at(150);
    const agentAnswer = await addReply(t.s.commands, agent, q.ticketId!, { audience: 'public', text: 'Yes.' });
    at(180);
    await acceptAnswer(t.s.commands, { kind: 'contact', contactId: dora, name: 'dora' }, q.ticketId!, answer.id);
    const pub = { ticketId: q.ticketId, channel: 'x', visibility: 'public' };
    const none = { agentId: null, contactId: null, audience: null, from: null, to: null, wallMin: null, reach: null, value: null, messageId: null };
    expect(await factsOf(q.ticketId!)).toEqual([
      // The opening post is public: it waits for an answer like any later post.
      { ...pub, ...none, kind: 'ticket_created', at: 0, contactId: dora, audience: 'public', reach: 5000, messageId: q.messageId },
      { ...pub, ...none, kind: 'community_answer', at: 60 * MIN, contactId: carol, audience: 'public', wallMin: 60, value: 1, messageId: answer.id },
      { ...pub, ...none, kind: 'public_answer_wait', at: 60 * MIN, contactId: dora, audience: 'public', wallMin: 60, reach: 5000, messageId: q.messageId },
      { ...pub, ...none, kind: 'customer_reply', at: 120 * MIN, contactId: dora, audience: 'public', reach: 5000, messageId: again.messageId },
      { ...pub, ...none, kind: 'agent_reply', at: 150 * MIN, agentId: agent.agentId, audience: 'public', messageId: agentAnswer.id },
      { ...pub, ...none, kind: 'first_response', at: 150 * MIN, agentId: agent.agentId, audience: 'public', wallMin: 150, messageId: agentAnswer.id },
      { ...pub, ...none, kind: 'public_answer_wait', at: 150 * MIN, agentId: agent.agentId, contactId: dora, audience: 'public', wallMin: 30, reach: 5000, messageId: again.messageId },
      { ...pub, ...none, kind: 'status_changed', at: 150 * MIN, agentId: agent.agentId, from: 'new', to: 'open' },
      { ...pub, ...none, kind: 'answer_accepted', at: 180 * MIN, contactId: carol, messageId: answer.id },
      { ...pub, ...none, kind: 'status_changed', at: 180 * MIN, contactId: dora, from: 'open', to: 'solved', wallMin: 180 },
    ]);

    // What the commands kept equals what a backfill derives from the stored history, and twice is once.
    const live = (await Promise.all([a, b, c, q].map((x) => factsOf(x.ticketId!)))).flat();
    const r1 = await backfillFacts(t.s.db, { batch: 2 });
    const r2 = await backfillFacts(t.s.db, { batch: 3 });
    expect(r2.facts).toBe(r1.facts);
    const rebuilt = (await Promise.all([a, b, c, q].map((x) => factsOf(x.ticketId!)))).flat();
    expect(rebuilt).toEqual(live);
  });

  it('moves a merged contact\'s facts to the contact kept', async () => {
    at(2000);
    const e = await mailTo('eve@x.test', { subject: 'Two addresses' });
    const eve = await contactOf('email', 'eve@x.test');
    const kept = await t.s.db.write((m) => contactRepository.create(m, 'Eve', T0));
    await mergeContacts(t.s.commands, agent, eve, kept);
    const facts = await reportFactRepository.listByTicket(t.s.db.m, e.ticketId!);
    expect(facts.filter((f) => f.contactId !== null).map((f) => f.contactId)).toEqual(facts.filter((f) => f.contactId !== null).map(() => kept));
    expect(facts.some((f) => f.kind === 'ticket_created' && f.contactId === kept)).toBe(true);
  });

  it('splits facts with the messages: the split-off question is a ticket of its own from the split', async () => {
    at(3000);
    const f = await mailTo('finn@x.test', { subject: 'Invoice', emailMessageId: '<f1@x.test>' });
    at(3010);
    const second = await mailTo('finn@x.test', { subject: 'Re: Invoice', emailMessageId: '<f2@x.test>', inReplyTo: ['<f1@x.test>'], text: 'Also, a new question' });
    expect(second.ticketId).toBe(f.ticketId);
    expect((await factsOf(f.ticketId!)).map((x) => x.kind)).toEqual(['ticket_created', 'customer_reply']);
    at(3020);
    const { newTicketId } = await splitTicket(t.s.commands, agent, f.ticketId!, [second.messageId!]);
    expect((await factsOf(f.ticketId!)).map((x) => x.kind)).toEqual(['ticket_created']);
    expect((await factsOf(newTicketId)).map((x) => [x.kind, x.at / MIN])).toEqual([['ticket_created', 3020]]);
  });

  it('an undone split keeps the replies written meanwhile on the split-off ticket, and nothing else of it', async () => {
    at(4000);
    const g = await mailTo('gus@x.test', { subject: 'Shipping', emailMessageId: '<g1@x.test>' });
    at(4010);
    const again = await mailTo('gus@x.test', { subject: 'Re: Shipping', emailMessageId: '<g2@x.test>', inReplyTo: ['<g1@x.test>'], text: 'And returns?' });
    at(4020);
    const { newTicketId } = await splitTicket(t.s.commands, agent, g.ticketId!, [again.messageId!]);
    at(4030);
    const answer = await addReply(t.s.commands, agent, newTicketId, { audience: 'participants', text: 'Returns are free.' });
    expect((await factsOf(newTicketId)).map((x) => [x.kind, x.at / MIN])).toEqual([['ticket_created', 4020], ['agent_reply', 4030], ['first_response', 4030]]);
    at(4040);
    const split = (await ticketEventRepository.listByTicket(t.s.db.m, g.ticketId!)).find((e) => e.type === 'split')!;
    await undoTicketEvent(t.s.commands, agent, g.ticketId!, split.id);
    // The split-off ticket never was one (no new ticket, no first response of its own), but the reply was sent.
    const live = await factsOf(g.ticketId!);
    expect(live.map((x) => [x.kind, x.at / MIN, x.messageId])).toEqual([['ticket_created', 4000, null], ['customer_reply', 4010, again.messageId], ['agent_reply', 4030, answer.id]]);
    expect(await factsOf(newTicketId)).toEqual([]);
    await backfillFacts(t.s.db, { batch: 2 });
    expect(await factsOf(g.ticketId!)).toEqual(live);
    expect(await factsOf(newTicketId)).toEqual([]);
  });

  it('a contact merge that makes a member the asker turns their answer into the asker\'s own post', async () => {
    at(5000);
    const ivy = { kind: 'x', value: '333', handle: 'ivy', followers: 300 };
    const q = await send(social, { author: ivy, audienceHint: 'public', threadKey: 'post:ivy', externalId: 'ivy1', text: 'Is it down?' });
    const ivyId = await contactOf('x', '333');
    const jo = await t.s.db.write((m) => contactRepository.create(m, 'Jo', T0));
    at(5060);
    const post = await contactReply(t.s.commands, { kind: 'contact', contactId: jo, name: 'Jo' }, q.ticketId!, { text: 'Still down for me too.' });
    expect((await factsOf(q.ticketId!)).map((x) => [x.kind, x.contactId, x.reach])).toEqual([['ticket_created', ivyId, 300], ['community_answer', jo, null], ['public_answer_wait', ivyId, 300]]);
    at(5100);
    // Jo is Ivy signed in on the web: one person, so the post is the asker's, and nobody answered her yet.
    await mergeContacts(t.s.commands, agent, jo, ivyId);
    const live = await factsOf(q.ticketId!);
    expect(live.map((x) => [x.kind, x.at / MIN, x.contactId, x.audience, x.reach, x.messageId])).toEqual([
      ['ticket_created', 5000, ivyId, 'public', 300, q.messageId], ['customer_reply', 5060, ivyId, 'public', 300, post.id],
    ]);
    await backfillFacts(t.s.db, { batch: 5 });
    expect(await factsOf(q.ticketId!)).toEqual(live);
  });

  it('counts imported mail at its own time and leaves automatic mail out until it is restored', async () => {
    at(1000);
    const written = T0 - 3 * 86_400_000;
    const old = await mailTo('old@x.test', { subject: 'From the archive', receivedAt: written }, true);
    expect((await factsOf(old.ticketId!)).map((f) => [f.kind, f.at + T0])).toEqual([['ticket_created', written]]);
    const bounce = await mailTo('mailer-daemon@x.test', { subject: 'Out of office', noise: { autoReply: true, reason: 'Auto-Submitted: auto-replied' } });
    expect(await factsOf(bounce.ticketId!)).toEqual([]);
    at(1010);
    await restoreTicket(t.s.commands, agent, bounce.ticketId!);
    expect((await factsOf(bounce.ticketId!)).map((f) => f.kind)).toEqual(['ticket_created']);
  });
});
