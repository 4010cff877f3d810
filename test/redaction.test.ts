import { verifyChains } from '../src/archive/chain/verify-chain';
import { messageRepository } from '../src/db/repositories/message.repository';
import { ticketEventRepository } from '../src/db/repositories/ticket-event.repository';
import { groupCommitOf } from '../src/db/sqlite-group-commit';
import { createInbox } from '../src/inboxes/create-inbox';
import { storedAnywhere } from './helpers/scan-store';
import { DB_KINDS, postRawEmail, startTestChorus, type TestChorus } from './helpers/test-chorus';
import { until } from './helpers/wait';

// A password a customer mailed in, quoted back by an agent, redacted: gone from the messages,
// the raw mail, the outgoing copies, the search index and the database file itself; recorded
// on the ticket without the secret; the hash chain still verifies. Card numbers are masked on
// arrival where the inbox asks for it.
const SECRET = 'Hunter2Secret';
const CARD = '4111 1111 1111 1111';

const mail = (id: string, subject: string, headers: string[], body: string) => [
  'From: Carla Customer <carla@example.com>', 'To: help@acme.test', `Subject: ${subject}`, `Message-ID: <${id}@example.com>`, 'MIME-Version: 1.0', ...headers, '', body, '',
].join('\r\n');

describe.each(DB_KINDS)('redaction (%s)', (db) => {
  let t: TestChorus;
  let inboxId: number;

  beforeAll(async () => {
    t = await startTestChorus({ db });
    inboxId = (await createInbox(t.s.db, Date.now(), { name: 'Help', channel: 'email', address: 'help@acme.test', settings: { maskCardNumbers: true } })).id;
  });
  afterAll(() => t.stop());

  it('removes a secret from every place it was stored and says so on the ticket', async () => {
    // The body is base64, so the secret is not in the raw bytes as typed.
    const body = Buffer.from(`Hi, my login stopped working. The password I set is ${SECRET} — please reset it.`).toString('base64');
    const { ticketId, messageId } = await postRawEmail(t, inboxId, mail('pw1', 'Login broken', ['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: base64'], body));
    const reply = await t.api('POST', `/api/tickets/${ticketId}/replies`, { text: `I reset ${SECRET} for you; choose a new one.`, audience: 'participants' });
    expect(reply.status).toBe(201);
    const replyId = reply.body.message.id as number;
    await until('the reply to be kept as a mail preview', async () => (await t.s.db.m.query('SELECT subject FROM mail_previews')).some((p: { subject: string }) => p.subject.includes(`[#${ticketId}]`)));
    expect((await t.api("GET", `/api/search?q=${SECRET}`)).body.results.length).toBeGreaterThan(0);

    // A customer cannot redact, and bad input names what to fix.
    const anon = await fetch(`${t.url}/api/tickets/${ticketId}/messages/${messageId}/redact`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ spans: [SECRET] }) });
    expect(anon.status).toBe(401);
    const short = await t.api('POST', `/api/tickets/${ticketId}/messages/${messageId}/redact`, { spans: ['x'] });
    expect(short.status).toBe(400);
    expect(JSON.stringify(short.body)).toMatch(/at least 2 characters/);
    const absent = await t.api('POST', `/api/tickets/${ticketId}/messages/${messageId}/redact`, { spans: ['not in there'] });
    expect(absent.status).toBe(400);
    expect(absent.body.error.message).toMatch(/not in this message/);

    const r1 = await t.api('POST', `/api/tickets/${ticketId}/messages/${messageId}/redact`, { spans: [SECRET], reason: 'password sent by mail' });
    expect(r1.status).toBe(200);
    expect(r1.body.redaction).toEqual(expect.objectContaining({ messageId, rawRebuilt: true }));
    const r2 = await t.api('POST', `/api/tickets/${ticketId}/messages/${replyId}/redact`, { spans: [SECRET] });
    expect(r2.status).toBe(200);

    const [inbound, outbound] = await messageRepository.listByTicket(t.s.db.m, ticketId);
    expect(inbound.text).toContain('The password I set is [redacted]');
    expect(outbound.text).toBe('I reset [redacted] for you; choose a new one.');
    const events = (await ticketEventRepository.listByTicket(t.s.db.m, ticketId)).filter((e) => e.type === 'message.redacted');
    expect(events.map((e) => [e.data!.messageId, e.actorId])).toEqual([[messageId, t.admin.id], [replyId, t.admin.id]]);
    expect(events[0].data!.reason).toBe('password sent by mail');
    const search = await t.api('GET', `/api/search?q=${SECRET}`);
    expect(JSON.stringify(search.body)).not.toContain(SECRET);
    expect(await storedAnywhere(t, SECRET)).toEqual([]);
    expect((await verifyChains(t.s.db.m)).problems).toEqual([]);
    // The ticket page explains it.
    const page = await (await fetch(`${t.url}/tickets/${ticketId}`, { headers: { authorization: `Bearer ${t.admin.token}` } })).text();
    expect(page).toMatch(/Message \d+ redacted: 1 passage\(s\) removed, the original mail rebuilt without them, \d+ stored cop(y|ies) cleaned \(password sent by mail\)/);
    expect(page).toMatch(/Message \d+ redacted: \d passage\(s\) removed · Ada Admin/);
  });

  it('removes a secret typed into the subject line from the ticket title and its search entry too', async () => {
    const inSubject = 'Kestrel99Pass';
    const { ticketId, messageId } = await postRawEmail(t, inboxId, mail('pw2', `My new password ${inSubject} does not work`, ['Content-Type: text/plain; charset=utf-8'], `See the subject: ${inSubject} is refused.`));
    expect((await t.api('GET', `/api/search?q=${inSubject}`)).body.results.length).toBeGreaterThan(0);
    const r = await t.api('POST', `/api/tickets/${ticketId}/messages/${messageId}/redact`, { spans: [inSubject] });
    expect(r.status).toBe(200);
    const detail = await t.api('GET', `/api/tickets/${ticketId}`);
    expect(detail.body.ticket.subject).toBe('My new password [redacted] does not work');
    expect(JSON.stringify((await t.api('GET', `/api/search?q=${inSubject}`)).body)).not.toContain(inSubject);
    expect(await storedAnywhere(t, inSubject)).toEqual([]);
    expect((await verifyChains(t.s.db.m)).problems).toEqual([]);
  });

  it('masks card numbers on arrival, raw mail included, and names the cause', async () => {
    const qp = `Please charge my card ${CARD.replace(/ /g, '=20')} for the renewal.`;
    const held = () => (db === 'sqlite' ? groupCommitOf(t.s.db.ds).stats.heldAcrossTurns : 0);
    const heldBefore = held();
    const { ticketId, messageId } = await postRawEmail(t, inboxId, mail('card1', 'Renewal', ['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: quoted-printable'], qp));
    // Checking the masked raw mail re-parses it (mailparser's streams take turns of the loop):
    // done before the item's transaction, which never stays open across a turn.
    expect(held()).toBe(heldBefore);
    const msg = (await messageRepository.findById(t.s.db.m, messageId))!;
    expect(msg.text).toContain('Please charge my card [card ending 1111] for the renewal.');
    const events = await ticketEventRepository.listByTicket(t.s.db.m, ticketId);
    expect(events.find((e) => e.type === 'message.masked')?.data).toEqual(expect.objectContaining({ messageId, masked: 1 }));
    for (const form of [CARD, CARD.replace(/ /g, ''), CARD.replace(/ /g, '=20')]) expect({ form, at: await storedAnywhere(t, form) }).toEqual({ form, at: [] });
    expect((await verifyChains(t.s.db.m)).problems).toEqual([]);
  });

  it('leaves card numbers alone where the inbox does not ask', async () => {
    const other = (await createInbox(t.s.db, Date.now(), { name: 'Sales', channel: 'email', address: 'sales@acme.test', settings: {} })).id;
    const { messageId } = await postRawEmail(t, other, mail('card2', 'Order', ['Content-Type: text/plain; charset=utf-8'], `Card 5555 5555 5555 4444 please.`).replace('help@acme.test', 'sales@acme.test'));
    expect((await messageRepository.findById(t.s.db.m, messageId))!.text).toContain('5555 5555 5555 4444');
  });
});
