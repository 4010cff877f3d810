import { verifyChains } from '../src/archive/chain/verify-chain';
import { contactRepository } from '../src/db/repositories/contact.repository';
import { messageRepository } from '../src/db/repositories/message.repository';
import { ticketEventRepository } from '../src/db/repositories/ticket-event.repository';
import { createAgent } from '../src/agents/create-agent';
import { createInbox } from '../src/inboxes/create-inbox';
import { storedAnywhere } from './helpers/scan-store';
import { DB_KINDS, postRawEmail, startTestChorus, type TestChorus } from './helpers/test-chorus';

// Erasing a contact: after it, none of the person's values is anywhere in the store (every
// Postgres text column; the SQLite file byte for byte), the tickets and the report counts stay,
// the hash chain verifies, and a legal hold refuses it until lifted.
const EMAIL = 'carla.jones@example.com';
const NAME = 'Carla Jones';
const WORD = 'biscuitdog';
const FILE_BYTES = '%PDF-1.4 carlas-private-scan';

const mail = (id: string, from: string, subject: string, body: string, extra: string[] = []) => [
  `From: ${from}`, 'To: help@acme.test', ...extra, `Subject: ${subject}`, `Message-ID: <${id}@example.com>`, 'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="b"', '', '--b', 'Content-Type: text/plain; charset=utf-8', '', body,
  '--b', 'Content-Type: application/pdf; name="scan.pdf"', 'Content-Disposition: attachment; filename="scan.pdf"', 'Content-Transfer-Encoding: base64', '',
  Buffer.from(from.includes(EMAIL) ? `${FILE_BYTES} ${id}` : `%PDF-1.4 someone else's file ${id}`).toString('base64'), '--b--', '',
].join('\r\n');

describe.each(DB_KINDS)('erasure (%s)', (db) => {
  let t: TestChorus;
  let carlaId: number;
  let carlaTicket: number;
  let bobTicket: number;

  beforeAll(async () => {
    t = await startTestChorus({ db });
    const inboxId = (await createInbox(t.s.db, Date.now(), { name: 'Help', channel: 'email', address: 'help@acme.test', settings: {} })).id;
    carlaTicket = (await postRawEmail(t, inboxId, mail('c1', `${NAME} <${EMAIL}>`, 'My account', `Hello, this is ${NAME}. My dog ${WORD} ate the invoice.`))).ticketId;
    await t.api('POST', `/api/tickets/${carlaTicket}/replies`, { text: `Hi ${NAME}, sorry to hear that. We will resend it to ${EMAIL}.`, audience: 'participants' });
    await t.api('POST', `/api/tickets/${carlaTicket}/notes`, { text: `Called ${NAME} back.` });
    // Bob's mail copies Carla in and quotes her: his words stay, her address and words leave it.
    bobTicket = (await postRawEmail(t, inboxId, mail('b1', 'Bob Brown <bob@example.com>', 'Order 77', `Bob here: where is order 77?\n\nCarla wrote:\n> My dog ${WORD} ate the invoice.`, [`Cc: ${NAME} <${EMAIL}>`]))).ticketId;
    carlaId = (await contactRepository.findIdentity(t.s.db.m, 'email', EMAIL))!.contactId;
    await t.s.sessions.create({ contactId: carlaId });
  });
  afterAll(() => t.stop());

  const erase = (id: number, body: Record<string, unknown> = { confirm: id }, token?: string) => t.api('POST', `/api/contacts/${id}/erase`, body, token);

  it('is admins\' only and asks for the number again', async () => {
    const agent = await createAgent(t.s.db, Date.now(), { email: 'agent@acme.test', name: 'Al Agent', password: 'correct horse', role: 'agent' });
    const token = await t.s.sessions.createApiToken(agent.id, 'test');
    expect((await erase(carlaId, { confirm: carlaId }, token)).status).toBe(403);
    const wrong = await erase(carlaId, { confirm: carlaId + 1 });
    expect(wrong.status).toBe(400);
    expect(JSON.stringify(wrong.body)).toContain(`Must be ${carlaId}`);
  });

  it('is refused while a legal hold covers one of the tickets, and recorded as refused', async () => {
    const hold = await t.api('POST', '/api/holds', { scope: 'ticket', targetId: carlaTicket, reason: 'Litigation 2026-17' });
    expect(hold.status).toBe(201);
    const refused = await erase(carlaId);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/legal hold.*Litigation 2026-17/);
    expect((await messageRepository.listByTicket(t.s.db.m, carlaTicket))[0].text).toContain(WORD);
    const released = await t.api('POST', `/api/holds/${hold.body.hold.id}/release`, { reason: 'Case closed' });
    expect(released.status).toBe(200);
    const list = await t.api('GET', '/api/erasures');
    expect(list.body.erasures[0]).toEqual(expect.objectContaining({ contactId: carlaId, state: 'refused' }));
  });

  it('leaves no value of the person anywhere, keeps tickets, counts and the chain', async () => {
    const [{ n: factsBefore }] = await t.s.db.m.query('SELECT COUNT(*) AS n FROM report_facts');
    const r = await erase(carlaId, { confirm: carlaId, reason: 'GDPR art. 17 request' });
    expect(r.status).toBe(200);
    expect(r.body.erasure).toEqual(expect.objectContaining({ state: 'done' }));
    expect(r.body.erasure.counts).toEqual(expect.objectContaining({ tickets: 2, ownMessages: 1, attachments: 1, identities: 1, sessions: 1 }));

    for (const value of [EMAIL, NAME, WORD, FILE_BYTES, 'Carla']) expect({ value, at: await storedAnywhere(t, value) }).toEqual({ value, at: [] });
    const search = await t.api('GET', `/api/search?q=${WORD}`);
    expect(search.body.results).toEqual([]);

    // Bob's words stay; so do both tickets, each saying what happened and why.
    expect((await messageRepository.listByTicket(t.s.db.m, bobTicket))[0].text).toContain('where is order 77?');
    for (const id of [carlaTicket, bobTicket]) {
      const ev = (await ticketEventRepository.listByTicket(t.s.db.m, id)).find((e) => e.type === 'contact.erased');
      expect(ev?.cause).toEqual(expect.objectContaining({ kind: 'erasure', id: r.body.erasure.requestId }));
    }
    const page = await (await fetch(`${t.url}/tickets/${carlaTicket}`, { headers: { authorization: `Bearer ${t.admin.token}` } })).text();
    expect(page).toMatch(new RegExp(`Contact #${carlaId} erased`));
    const [{ n: factsAfter }] = await t.s.db.m.query('SELECT COUNT(*) AS n FROM report_facts');
    expect(Number(factsAfter)).toBe(Number(factsBefore));
    expect((await verifyChains(t.s.db.m)).problems).toEqual([]);
  });

  it('mode delete deletes the tickets they asked, whole, and redacts them where they took part', async () => {
    const inboxId = (await createInbox(t.s.db, Date.now(), { name: 'Sales', channel: 'email', address: 'sales@acme.test', settings: {} })).id;
    const to = (raw: string) => raw.replace('To: help@acme.test', 'To: sales@acme.test');
    const own = (await postRawEmail(t, inboxId, to(mail('d1', 'Dana Delete <dana.delete@example.com>', 'Quote please', 'Dana asks for a quote on the zebrafish tank.')))).ticketId;
    const other = (await postRawEmail(t, inboxId, to(mail('e1', 'Eve Other <eve@example.com>', 'Group order', 'Eve here, ordering for the team.', ['Cc: Dana Delete <dana.delete@example.com>'])))).ticketId;
    const danaId = (await contactRepository.findIdentity(t.s.db.m, 'email', 'dana.delete@example.com'))!.contactId;
    const [{ n: factsBefore }] = await t.s.db.m.query('SELECT COUNT(*) AS n FROM report_facts');
    const r = await erase(danaId, { confirm: danaId, mode: 'delete' });
    expect(r.status).toBe(200);
    expect(r.body.erasure.counts).toEqual(expect.objectContaining({ deletedTickets: 1, tickets: 1 }));
    expect((await t.api('GET', `/api/tickets/${own}`)).status).toBe(404);
    expect((await messageRepository.listByTicket(t.s.db.m, other))[0].text).toContain('ordering for the team');
    for (const value of ['dana.delete@example.com', 'Dana Delete', 'zebrafish']) expect({ value, at: await storedAnywhere(t, value) }).toEqual({ value, at: [] });
    const [{ n: factsAfter }] = await t.s.db.m.query('SELECT COUNT(*) AS n FROM report_facts');
    expect(Number(factsAfter)).toBe(Number(factsBefore));
    expect((await verifyChains(t.s.db.m)).problems).toEqual([]);
  });

  it('a second request for the same contact finds nothing left to remove', async () => {
    const again = await erase(carlaId);
    expect(again.status).toBe(200);
    expect(again.body.erasure.counts).toEqual(expect.objectContaining({ identities: 0, otherMessages: 0, events: 0 }));
  });
});
