import path from 'node:path';
import { verifyChains } from '../src/archive/chain/verify-chain';
import { digestOf, eventContent, GENESIS, linkHash, messageContent, sha256Hex } from '../src/archive/chain/chain-digest';
import { runCli } from '../src/cli/index';
import { chainRepository } from '../src/db/repositories/chain.repository';
import { messageRepository } from '../src/db/repositories/message.repository';
import { ticketEventRepository } from '../src/db/repositories/ticket-event.repository';
import { createInbox } from '../src/inboxes/create-inbox';
import type { Viewer } from '../src/policies/viewer';
import { addNote } from '../src/tickets/commands/add-note';
import { addReply } from '../src/tickets/commands/add-reply';
import { changeStatus } from '../src/tickets/commands/change-status';
import { mergeTicket } from '../src/tickets/commands/merge-ticket';
import { splitTicket } from '../src/tickets/commands/split-ticket';
import { undoTicketEvent } from '../src/tickets/commands/undo-ticket-event';
import { DB_KINDS, postRawEmail, startTestChorus, type TestChorus } from './helpers/test-chorus';

// Every message and TicketEvent is a link in its ticket's hash chain; archive:verify finds a row
// changed, deleted or slipped in behind Chorus's back, and a link edited or removed.
const mail = (n: number, extra = '') => [
  `From: Customer ${n} <c${n}@example.com>`, 'To: help@acme.test', `Subject: Question ${n}`, `Message-ID: <q${n}.${Math.random()}@example.com>`,
  'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="b"', '', '--b', 'Content-Type: text/plain; charset=utf-8', '', `Hello, question ${n}. ${extra}`,
  '--b', 'Content-Type: application/pdf; name="invoice.pdf"', 'Content-Disposition: attachment; filename="invoice.pdf"', 'Content-Transfer-Encoding: base64', '',
  Buffer.from(`%PDF-1.4 invoice ${n}`).toString('base64'), '--b--', '',
].join('\r\n');

describe.each(DB_KINDS)('tamper-evident history (%s)', (db) => {
  let t: TestChorus;
  let inboxId: number;
  let ada: Extract<Viewer, { kind: 'agent' }>;
  const ids: number[] = [];
  const q = (sql: string, params: unknown[] = []) => t.s.db.m.query(db === 'postgres' ? sql.replace(/\?/g, (() => { let i = 0; return () => `$${++i}`; })()) : sql, params);

  beforeAll(async () => {
    t = await startTestChorus({ db });
    ada = { kind: 'agent', agentId: t.admin.id, role: 'admin', name: 'Ada' };
    inboxId = (await createInbox(t.s.db, Date.now(), { name: 'Help', channel: 'email', address: 'help@acme.test', settings: {} })).id;
    for (let n = 0; n < 4; n++) ids.push((await postRawEmail(t, inboxId, mail(n))).ticketId);
    await addReply(t.s.commands, ada, ids[0], { audience: 'participants', text: 'We are on it.' });
    await addNote(t.s.commands, ada, ids[0], { text: 'Check the invoice run.' });
    await mergeTicket(t.s.commands, ada, ids[1], ids[0]);
    await mergeTicket(t.s.commands, ada, ids[3], ids[2]);
    const merged = (await ticketEventRepository.listByTicket(t.s.db.m, ids[2])).find((e) => e.type === 'merged')!;
    await undoTicketEvent(t.s.commands, ada, ids[2], merged.id);
    const last = (await messageRepository.listByTicket(t.s.db.m, ids[0])).at(-1)!;
    await splitTicket(t.s.commands, ada, ids[0], [last.id]);
    await changeStatus(t.s.commands, ada, ids[0], 'solved');
  });
  afterAll(() => t.stop());

  it('seals every message and event as it is written, moves included, and verifies clean', async () => {
    const r = await verifyChains(t.s.db.m);
    expect(r.problems).toEqual([]);
    const [{ n: messages }] = await q('SELECT COUNT(*) AS n FROM messages');
    const [{ n: events }] = await q('SELECT COUNT(*) AS n FROM ticket_events');
    expect({ messages: r.messages, events: r.events }).toEqual({ messages: Number(messages), events: Number(events) });
    // Merge, undo and split each moved messages: those are links too, in the receiving chain.
    const [{ n: moved }] = await q("SELECT COUNT(*) AS n FROM chain_links WHERE action = 'moved'");
    expect(Number(moved)).toBeGreaterThanOrEqual(4);
    expect(r.links).toBe(Number(messages) + Number(events) + Number(moved));
  });

  it('is plain arithmetic a third party can redo from the rows', async () => {
    const links = await chainRepository.listByTicket(t.s.db.m, ids[0]);
    expect(links.map((l) => l.seq)).toEqual(links.map((_, i) => i + 1));
    expect(links[0].prevHash).toBe(GENESIS);
    for (const [i, l] of links.entries()) {
      if (i) expect(l.prevHash).toBe(links[i - 1].hash);
      expect(l.hash).toBe(linkHash(l));
    }
    // The first link is the customer's mail: its digest covers the raw bytes and the attachment.
    const first = (await messageRepository.listByTicket(t.s.db.m, ids[0]))[0];
    const atts = await messageRepository.attachmentsOf(t.s.db.m, [first.id]);
    const [{ raw }] = await q('SELECT raw FROM inbound_items WHERE id = ?', [first.inboundItemId]);
    expect(atts.map((a) => a.filename)).toEqual(['invoice.pdf']);
    const link = links.find((l) => l.subjectType === 'message' && l.subjectId === first.id)!;
    expect(link.digest).toBe(digestOf(messageContent(first, atts, sha256Hex(raw))));
    const ev = (await ticketEventRepository.listByTicket(t.s.db.m, ids[0]))[0];
    expect(links.find((l) => l.subjectType === 'event' && l.subjectId === ev.id)!.digest).toBe(digestOf(eventContent(ev)));
  });

  it('refuses an in-place change of what a message said', async () => {
    const first = (await messageRepository.listByTicket(t.s.db.m, ids[0]))[0];
    await expect(t.s.db.transaction((tx) => messageRepository.update(tx.m, first.id, { text: 'rewritten' }))).rejects.toThrow(/sealed/);
    await t.s.db.transaction((tx) => messageRepository.update(tx.m, first.id, { hidden: false }));
    expect((await verifyChains(t.s.db.m)).problems).toEqual([]);
  });

  // Each case edits the database directly, sees the verifier name the spot, then puts it back.
  const tamper = async (doIt: () => Promise<unknown>, undo: () => Promise<unknown>) => {
    await doIt();
    try {
      return (await verifyChains(t.s.db.m)).problems;
    } finally {
      await undo();
      expect((await verifyChains(t.s.db.m)).problems).toEqual([]);
    }
  };

  it('finds a message text changed behind its back', async () => {
    const msg = (await messageRepository.listByTicket(t.s.db.m, ids[0]))[1];
    const problems = await tamper(() => q('UPDATE messages SET text = ? WHERE id = ?', ['We never said that.', msg.id]), () => q('UPDATE messages SET text = ? WHERE id = ?', [msg.text, msg.id]));
    expect(problems).toEqual([expect.objectContaining({ ticketId: ids[0], subject: `message ${msg.id}`, problem: expect.stringMatching(/changed after it was sealed/) })]);
  });

  it('finds the raw mail or an attachment swapped', async () => {
    const msg = (await messageRepository.listByTicket(t.s.db.m, ids[2]))[0];
    const [{ raw }] = await q('SELECT raw FROM inbound_items WHERE id = ?', [msg.inboundItemId]);
    const rawProblems = await tamper(() => q('UPDATE inbound_items SET raw = ? WHERE id = ?', [raw.replace('Hello', 'Goodbye'), msg.inboundItemId]), () => q('UPDATE inbound_items SET raw = ? WHERE id = ?', [raw, msg.inboundItemId]));
    expect(rawProblems.map((p) => p.subject)).toEqual([`message ${msg.id}`]);
    const [att] = await messageRepository.attachmentsOf(t.s.db.m, [msg.id]);
    const attProblems = await tamper(() => q('UPDATE attachments SET sha256 = ? WHERE id = ?', ['f'.repeat(64), att.id]), () => q('UPDATE attachments SET sha256 = ? WHERE id = ?', [att.sha256, att.id]));
    expect(attProblems.map((p) => p.subject)).toEqual([`message ${msg.id}`]);
  });

  it('finds an event rewritten, an event deleted and a message slipped in', async () => {
    const ev = (await ticketEventRepository.listByTicket(t.s.db.m, ids[0])).find((e) => e.type === 'merged')!;
    const rewritten = await tamper(() => q('UPDATE ticket_events SET actor_id = ? WHERE id = ?', [999, ev.id]), () => q('UPDATE ticket_events SET actor_id = ? WHERE id = ?', [ev.actorId, ev.id]));
    expect(rewritten).toEqual([expect.objectContaining({ ticketId: ids[0], subject: `event ${ev.id}` })]);

    const cols = 'id, ticket_id, type, actor_type, actor_id, data, cause, created_at';
    const [row] = await q(`SELECT ${cols} FROM ticket_events WHERE id = ?`, [ev.id]);
    const deleted = await tamper(() => q('DELETE FROM ticket_events WHERE id = ?', [ev.id]), () => q(`INSERT INTO ticket_events (${cols}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, [row.id, row.ticket_id, row.type, row.actor_type, row.actor_id, row.data, row.cause, row.created_at]));
    expect(deleted).toEqual([expect.objectContaining({ ticketId: ids[0], subject: `event ${ev.id}`, problem: expect.stringMatching(/deleted/) })]);

    const slipped = await tamper(
      () => q("INSERT INTO messages (ticket_id, author_type, channel, direction, audience, text, hidden, score, created_at) VALUES (?, 'agent', 'email', 'outbound', 'participants', 'We promised a refund.', ?, 0, ?)", [ids[0], false, Date.now()]),
      () => q("DELETE FROM messages WHERE text = 'We promised a refund.'"),
    );
    expect(slipped).toEqual([expect.objectContaining({ ticketId: ids[0], seq: null, problem: expect.stringMatching(/in no chain/) })]);
  });

  it('finds a link edited or removed, at the first broken link', async () => {
    const links = await chainRepository.listByTicket(t.s.db.m, ids[0]);
    const l = links[2];
    const edited = await tamper(() => q('UPDATE chain_links SET digest = ? WHERE id = ?', ['0'.repeat(64), l.id]), () => q('UPDATE chain_links SET digest = ? WHERE id = ?', [l.digest, l.id]));
    expect(edited).toContainEqual(expect.objectContaining({ ticketId: ids[0], seq: 3, problem: expect.stringMatching(/hash does not match/) }));
    const cols = 'id, ticket_id, seq, subject_type, subject_id, action, digest, prev_hash, hash, created_at';
    const removed = await tamper(() => q('DELETE FROM chain_links WHERE id = ?', [l.id]), () => q(`INSERT INTO chain_links (${cols}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [l.id, l.ticketId, l.seq, l.subjectType, l.subjectId, l.action, l.digest, l.prevHash, l.hash, l.createdAt]));
    expect(removed).toContainEqual(expect.objectContaining({ ticketId: ids[0], seq: 4, problem: expect.stringMatching(/link 3 is missing/) }));
  });

  it('keeps one unbroken chain when many replies land on a ticket at once', async () => {
    await Promise.all(Array.from({ length: 12 }, (_, i) => addReply(t.s.commands, ada, ids[2], { audience: 'participants', text: `Parallel answer ${i}` })));
    const links = await chainRepository.listByTicket(t.s.db.m, ids[2]);
    expect(links.map((l) => l.seq)).toEqual(links.map((_, i) => i + 1));
    expect((await verifyChains(t.s.db.m)).problems).toEqual([]);
  });

  it('archive:verify and archive:seal from the command line', async () => {
    const env = { DATABASE_URL: t.dbUrl, CHORUS_DATA_DIR: path.dirname(t.dbUrl.replace(/^sqlite:/, '')), CHORUS_SECRET: 'test-secret-0123456789abcdef', LOG_LEVEL: 'silent' };
    const saved = { ...process.env };
    Object.assign(process.env, env);
    const log = jest.spyOn(console, 'log').mockImplementation(() => {});
    const err = jest.spyOn(console, 'error').mockImplementation(() => {});
    try {
      expect(await runCli(['archive:verify'])).toBe(0);
      expect(log.mock.calls.flat().join('\n')).toMatch(/every chain is intact/);
      // A row from before the chain existed: verify says so and exits 1; seal links it.
      await q("INSERT INTO messages (ticket_id, author_type, channel, direction, audience, text, hidden, score, created_at) VALUES (?, 'contact', 'email', 'inbound', 'participants', 'An old mail.', ?, 0, ?)", [ids[3], false, Date.now()]);
      log.mockClear();
      expect(await runCli(['archive:verify'])).toBe(1);
      expect(log.mock.calls.flat().join('\n')).toMatch(new RegExp(`ticket #${ids[3]}: message \\d+ is in no chain`));
      expect(await runCli(['archive:seal'])).toBe(0);
      expect(log.mock.calls.flat().join('\n')).toMatch(/Sealed 1 message\(s\) and 0 event\(s\)/);
      expect(await runCli(['archive:seal'])).toBe(0);
      expect(log.mock.calls.flat().join('\n')).toMatch(/Sealed 0 message\(s\)/);
      expect(await runCli(['archive:verify'])).toBe(0);
    } finally {
      log.mockRestore();
      err.mockRestore();
      process.env = saved;
    }
  });
});
