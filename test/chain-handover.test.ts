import { verifyChains } from '../src/archive/chain/verify-chain';
import { digestOf, messageContent, sha256Hex } from '../src/archive/chain/chain-digest';
import type { EntityManager } from 'typeorm';
import type { Message } from '../src/db/entities';
import { inboundItemRepository } from '../src/db/repositories/inbound-item.repository';
import { chainRepository } from '../src/db/repositories/chain.repository';
import { messageRepository } from '../src/db/repositories/message.repository';
import { createInbox } from '../src/inboxes/create-inbox';
import type { Viewer } from '../src/policies/viewer';
import { addNote } from '../src/tickets/commands/add-note';
import { addReply } from '../src/tickets/commands/add-reply';
import { apiInbox, DB_KINDS, postRawEmail, postSigned, startTestChorus, type TestChorus } from './helpers/test-chorus';

// The writers of a message (ingest, agent replies and notes, a contact's web reply) hand the
// hash chain the rows they just wrote, so its link is sealed without reading the message, its
// attachments and its raw item back. The digest must be the one the read gives, byte for byte:
// existing chains keep verifying, and archive:verify (which reads) agrees with every new link.
const mail = (n: number, text: string) => [
  `From: Jürgen Groß ${n} <c${n}@example.com>`, 'To: help@acme.test', `Subject: Frage ${n}`, `Message-ID: <h${n}.${Math.random()}@example.com>`,
  'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="b"', '', '--b', 'Content-Type: text/plain; charset=utf-8', '', text,
  '--b', 'Content-Type: application/pdf; name="rechnung.pdf"', 'Content-Disposition: attachment; filename="rechnung.pdf"', 'Content-Transfer-Encoding: base64', '',
  Buffer.from(`%PDF-1.4 invoice ${n}`).toString('base64'),
  '--b', 'Content-Type: text/csv; name="lines.csv"', 'Content-Disposition: attachment; filename="lines.csv"', '', `a,b\r\n${n},2`, '--b--', '',
].join('\r\n');

describe.each(DB_KINDS)('the chain seals a message from the rows its writer hands over (%s)', (db) => {
  let t: TestChorus;
  let emailInbox: number;
  let ada: Extract<Viewer, { kind: 'agent' }>;
  let reads: jest.SpyInstance<ReturnType<typeof chainRepository.messageDigests>, Parameters<typeof chainRepository.messageDigests>>;
  // Message ids the chain's append read back while `fn` ran (verifyChains, which reads, is not run in it).
  const readBack = async (fn: () => Promise<unknown>): Promise<number[]> => {
    reads.mockClear();
    await fn();
    // Every append asks (for none when all was handed over): the spy is in place.
    expect(reads).toHaveBeenCalled();
    return reads.mock.calls.flatMap((c) => c[1]);
  };
  // Every link naming these messages has the digest the read path gives for the message now.
  const expectSealedAsRead = async (ids: number[]) => {
    const now = await chainRepository.messageDigests(t.s.db.m, ids);
    const links = (await t.s.db.m.query('SELECT subject_id, digest FROM chain_links WHERE subject_type = \'message\'') as { subject_id: number | string; digest: string }[])
      .filter((l) => ids.includes(Number(l.subject_id)));
    expect(new Set(links.map((l) => Number(l.subject_id)))).toEqual(new Set(ids));
    for (const l of links) expect(l.digest).toBe(now.get(Number(l.subject_id))!.digest);
  };

  // A new message row like this one (no ids a unique index holds).
  const copyOf = async (id: number): Promise<Omit<Message, 'id'>> => {
    const [{ id: _id, ...rest }] = await messageRepository.findByIds(t.s.db.m, [id]);
    return { ...rest, externalId: null, emailMessageId: null };
  };

  beforeAll(async () => {
    reads = jest.spyOn(chainRepository, 'messageDigests');
    t = await startTestChorus({ db });
    ada = { kind: 'agent', agentId: t.admin.id, role: 'admin', name: 'Ada' };
    emailInbox = (await createInbox(t.s.db, Date.now(), { name: 'Help', channel: 'email', address: 'help@acme.test', settings: {} })).id;
  });
  afterAll(async () => {
    reads.mockRestore();
    await t.stop();
  });

  it('ingest reads nothing back, seals what the read would, and its chains verify', async () => {
    const ids: number[] = [];
    const api = await apiInbox(t);
    const read = await readBack(async () => {
      for (let n = 0; n < 3; n++) ids.push((await postRawEmail(t, emailInbox, mail(n, `Grüße, Frage ${n} 👋 — bitte prüfen.`))).messageId);
      const file = { filename: 'note.txt', contentType: 'text/plain', contentBase64: Buffer.from('fichier é').toString('base64') };
      const first = await postSigned(t, api, { externalId: 'h-1', threadKey: 'th-1', author: { id: 'u-1', name: 'Zoë 🦊 Ñandú' }, subject: 'Hi', text: 'Hello "there" \\ \u2028 tab\there', html: '<p>Hello</p>', attachments: [file] });
      ids.push(first.body.messageId);
      // A second message on the same ticket: a chain with a head already.
      const second = await postSigned(t, api, { externalId: 'h-2', threadKey: 'th-1', author: { id: 'u-1', name: 'Zoë 🦊 Ñandú' }, text: 'And again' });
      expect(second.body.ticketId).toBe(first.body.ticketId);
      ids.push(second.body.messageId);
    });
    expect(ids.every((id) => Number.isInteger(id))).toBe(true);
    expect(read.filter((id) => ids.includes(id))).toEqual([]);
    await expectSealedAsRead(ids);
    // The attachments are in the digest: the mail's two files, in id order.
    const [msg] = await messageRepository.findByIds(t.s.db.m, [ids[0]]);
    const atts = await messageRepository.attachmentsOf(t.s.db.m, [ids[0]]);
    expect(atts.map((a) => a.filename)).toEqual(['rechnung.pdf', 'lines.csv']);
    const [{ raw }] = await t.s.db.m.query(`SELECT raw FROM inbound_items WHERE id = ${Number(msg.inboundItemId)}`);
    const link = (await chainRepository.listByTicket(t.s.db.m, msg.ticketId)).find((l) => l.subjectType === 'message' && l.subjectId === msg.id)!;
    expect(link.digest).toBe(digestOf(messageContent(msg, atts, sha256Hex(raw))));
    expect((await verifyChains(t.s.db.m)).problems).toEqual([]);
  });

  it('agent replies and notes with files are sealed from their rows too', async () => {
    const { ticketId } = await postRawEmail(t, emailInbox, mail(10, 'Question'));
    const files = [{ filename: 'b.txt', contentType: 'text/plain', content: Buffer.from('bee') }, { filename: 'a.txt', contentType: 'text/plain', content: Buffer.from('ay') }];
    const read = await readBack(async () => {
      await addReply(t.s.commands, ada, ticketId, { audience: 'participants', text: 'Here you go — ✓', attachments: files });
      await addNote(t.s.commands, ada, ticketId, { text: 'Internal 🔒', attachments: files.slice(0, 1) });
    });
    const mine = (await messageRepository.listByTicket(t.s.db.m, ticketId)).filter((x) => x.authorType === 'agent').map((x) => x.id);
    expect(mine).toHaveLength(2);
    expect(read.filter((id) => mine.includes(id))).toEqual([]);
    await expectSealedAsRead(mine);
    expect((await verifyChains(t.s.db.m)).problems).toEqual([]);
  });

  it('reads the message back when a value would not be stored as given', async () => {
    const { messageId } = await postRawEmail(t, emailInbox, mail(20, 'Question'));
    const rest = await copyOf(messageId);
    let odd = 0;
    // A lone surrogate is written as U+FFFD, so the text read back differs from the one given.
    const read = await readBack(() => t.s.db.transaction(async (tx) => {
      odd = await messageRepository.insert(tx.m, { ...rest, inboundItemId: null, text: 'broken \uD83D pair', authorName: 'x\uDC00' });
      chainRepository.handOver(tx.m, { ...rest, id: odd, inboundItemId: null, text: 'broken \uD83D pair', authorName: 'x\uDC00' }, [], null);
    }));
    expect(read).toContain(odd);
    await expectSealedAsRead([odd]);
  });

  it('reads the message back when the same transaction changes it after handing it over', async () => {
    const { messageId } = await postRawEmail(t, emailInbox, mail(30, 'Question'));
    const rest = await copyOf(messageId);
    const rawOf = async (m: EntityManager) => (await m.query(`SELECT raw FROM inbound_items WHERE id = ${Number(rest.inboundItemId)}`))[0].raw as string;
    const made: number[] = [];
    const read = await readBack(() => t.s.db.transaction(async (tx) => {
      // Redacted before the commit: both its links name the redacted content, as a read gives.
      const a = await messageRepository.insert(tx.m, { ...rest });
      chainRepository.handOver(tx.m, { ...rest, id: a }, [], await rawOf(tx.m));
      await messageRepository.redact(tx.m, { id: a, ticketId: rest.ticketId }, { text: 'redacted' }, rest.createdAt + 1);
      // A file added after the hand-over.
      const b = await messageRepository.insert(tx.m, { ...rest, inboundItemId: null });
      chainRepository.handOver(tx.m, { ...rest, id: b, inboundItemId: null }, [], null);
      await messageRepository.insertAttachment(tx.m, { messageId: b, filename: 'late.txt', contentType: 'text/plain', size: 4, sha256: sha256Hex('late'), contentId: null, inline: false, createdAt: rest.createdAt });
      // Its raw item rewritten after the hand-over (as card masking does in ingest); the mail's
      // first message is sealed anew for it, as a redaction does.
      const c = await messageRepository.insert(tx.m, { ...rest });
      const raw = await rawOf(tx.m);
      chainRepository.handOver(tx.m, { ...rest, id: c }, [], raw);
      await inboundItemRepository.update(tx.m, rest.inboundItemId!, { raw: `${raw}\r\n` });
      await messageRepository.resealed(tx.m, { id: messageId, ticketId: rest.ticketId }, rest.createdAt + 1);
      made.push(a, b, c);
    }));
    expect(made.every((id) => read.includes(id))).toBe(true);
    await expectSealedAsRead(made);
    expect((await verifyChains(t.s.db.m)).problems).toEqual([]);
  });

  it('an inbox that masks card numbers rewrites the raw item after persist: still sealed as read', async () => {
    const api = await apiInbox(t, { maskCardNumbers: true });
    const r = await postSigned(t, api, { externalId: 'card-1', author: { id: 'u-9' }, text: 'My card is 4111 1111 1111 1111, thanks' });
    await expectSealedAsRead([r.body.messageId]);
    expect((await verifyChains(t.s.db.m)).problems).toEqual([]);
  });
});
