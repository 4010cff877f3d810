import { createAgent } from '../src/agents/create-agent';
import { verifyChains } from '../src/archive/chain/verify-chain';
import { sweepRetention } from '../src/archive/retention/retention-sweep';
import { REMOVED_TEXT, retentionRepository } from '../src/db/repositories/retention.repository';
import { messageRepository } from '../src/db/repositories/message.repository';
import { ticketEventRepository } from '../src/db/repositories/ticket-event.repository';
import { ticketCountRepository } from '../src/db/repositories/ticket-count.repository';
import { ticketRepository } from '../src/db/repositories/ticket.repository';
import { createInbox } from '../src/inboxes/create-inbox';
import { storedAnywhere } from './helpers/scan-store';
import { DB_KINDS, postRawEmail, startTestChorus, type TestChorus } from './helpers/test-chorus';
import { waitFor } from './helpers/wait';
import { signInByLink } from './helpers/web-client';

const MONTH = 31 * 86_400_000;
let seq = 0;

// A mail with a text body and an attached file, each carrying values unique to this ticket.
function mailWithFile(to: string, from: string, tag: string): string {
  const b = `b-${tag}`;
  return [
    `From: Person ${tag} <${from}>`, `To: ${to}`, `Subject: Subject${tag}`, `Message-ID: <${tag}@example.com>`, 'MIME-Version: 1.0', `Content-Type: multipart/mixed; boundary="${b}"`, '',
    `--${b}`, 'Content-Type: text/plain; charset=utf-8', '', `My account number is Body${tag}.`, '',
    `--${b}`, 'Content-Type: text/plain; name="note.txt"', 'Content-Disposition: attachment; filename="note.txt"', '', `File${tag} contents`, '',
    `--${b}--`, '',
  ].join('\r\n');
}

// Retention on SQLite and Postgres: each mode (delete, anonymise, attachments) takes closed tickets
// past the cut-off, exactly what its dry run showed, and skips what a legal hold covers (the ticket,
// its requester, its inbox) until the hold is lifted. Deleted tickets leave no value in the store
// and the reports keep their counts; anonymised ones keep the ticket and verify in archive:verify.
describe.each(DB_KINDS)('retention (%s)', (db) => {
  let t: TestChorus;
  let clock = Date.now();

  beforeAll(async () => {
    t = await startTestChorus({ db, now: () => clock });
    // The cluster job's first tick (nothing to do yet) is past, so only the test sweeps.
    await waitFor(async () => (await t.s.db.m.query(`SELECT last_run_at FROM job_leases WHERE name = 'archive.retention'`))[0]?.last_run_at, (v) => v != null);
  });
  afterAll(() => t.stop());

  async function ticketIn(inbox: { id: number; address: string }, from: string) {
    const tag = `R${db[0]}${++seq}x${Math.random().toString(36).slice(2, 7)}`;
    const { ticketId } = await postRawEmail(t, inbox.id, mailWithFile(inbox.address, from, tag));
    expect((await t.api('PATCH', `/api/tickets/${ticketId}`, { status: 'closed' })).status).toBe(200);
    return { id: ticketId, tag };
  }

  async function scene(mode: string) {
    const n = ++seq;
    const x = await createInbox(t.s.db, clock, { name: `X${n}`, channel: 'email', address: `x${n}@ret.test`, settings: {} });
    const y = await createInbox(t.s.db, clock, { name: `Y${n}`, channel: 'email', address: `y${n}@ret.test`, settings: {} });
    const inX = { id: x.id, address: `x${n}@ret.test` };
    const free = await ticketIn(inX, `free${n}@example.com`);
    const ticketHeld = await ticketIn(inX, `free${n}@example.com`);
    const contactHeld = await ticketIn(inX, `held${n}@example.com`);
    const inboxHeld = await ticketIn({ id: y.id, address: `y${n}@ret.test` }, `other${n}@example.com`);
    const requester = (await ticketRepository.findById(t.s.db.m, contactHeld.id))!.requesterId;
    const hold = async (scope: string, targetId: number) => (await t.api('POST', '/api/holds', { scope, targetId, reason: `keep ${scope}` })).body.hold.id as number;
    const holds = { ticket: await hold('ticket', ticketHeld.id), contact: await hold('contact', requester), inbox: await hold('inbox', y.id) };
    const px = (await t.api('POST', '/api/retention/policies', { scope: 'inbox', inboxId: x.id, months: 6, action: mode })).body.policy;
    const py = (await t.api('POST', '/api/retention/policies', { scope: 'inbox', inboxId: y.id, months: 6, action: mode })).body.policy;
    return { x, y, free, ticketHeld, contactHeld, inboxHeld, holds, px, py };
  }

  const attachmentsOf = async (ticketId: number) => messageRepository.attachmentsOf(t.s.db.m, (await messageRepository.listByTicket(t.s.db.m, ticketId)).map((m) => m.id));

  it.each(['delete', 'anonymise', 'attachments'])('%s: the sweep does what the dry run showed, skips held tickets, and takes them once the hold is lifted', async (mode) => {
    const sc = await scene(mode);
    // Not yet old enough.
    expect((await t.api('GET', `/api/retention/policies/${sc.px.id}/dry-run`)).body.dryRun).toMatchObject({ tickets: 0, held: 0 });
    const day = new Date(clock).toISOString().slice(0, 10);
    const report = async () => (await t.api('GET', `/api/reports/overview?range=custom&from=${day}&to=${day}&inbox=${sc.x.id}`)).body;
    const reportBefore = await report();
    // The inbox's day has its tickets counted, so an unchanged report means kept counts.
    expect(JSON.stringify(reportBefore)).toMatch(/"created":[1-9]/);
    clock += 7 * MONTH;

    const dryX = (await t.api('GET', `/api/retention/policies/${sc.px.id}/dry-run`)).body.dryRun;
    expect(dryX).toMatchObject({ tickets: 1, held: 2, heldInboxes: [], more: false });
    expect(dryX.first.map((f: { id: number }) => f.id)).toEqual([sc.free.id]);
    expect(dryX.first[0].subject).toBe(`Subject${sc.free.tag}`);
    expect((await t.api('GET', `/api/retention/policies/${sc.py.id}/dry-run`)).body.dryRun).toMatchObject({ tickets: 0, heldInboxes: [sc.y.id] });

    const runs = await sweepRetention(t.s, clock);
    const runX = runs.find((r) => r.policyId === sc.px.id)!;
    expect(runX).toMatchObject({ tickets: dryX.tickets, held: 2, ticketIds: dryX.first.map((f: { id: number }) => f.id), attachments: 1 });
    expect(runs.find((r) => r.policyId === sc.py.id)).toMatchObject({ tickets: 0, ticketIds: [] });

    // Held tickets are untouched whatever the mode.
    for (const held of [sc.ticketHeld, sc.contactHeld, sc.inboxHeld]) {
      expect((await ticketRepository.findById(t.s.db.m, held.id))!.subject).toBe(`Subject${held.tag}`);
      expect(await attachmentsOf(held.id)).toHaveLength(1);
    }

    const free = await ticketRepository.findById(t.s.db.m, sc.free.id);
    if (mode === 'delete') {
      expect(free).toBeNull();
      expect(runX.chainHeads![String(sc.free.id)]).toMatch(/^[0-9a-f]{64}$/);
      expect(runX.blobs).toBe(1);
      for (const v of [`Subject${sc.free.tag}`, `Body${sc.free.tag}`, `File${sc.free.tag}`, `<${sc.free.tag}@example.com>`]) expect({ v, at: await storedAnywhere(t, v) }).toEqual({ v, at: [] });
      expect(await report()).toEqual(reportBefore);
      // The kept inbox counts lost the deleted ticket with it.
      expect(await ticketCountRepository.keptCounts(t.s.db.m)).toEqual(await ticketCountRepository.freshCounts(t.s.db.m));
      expect(JSON.stringify((await t.api('GET', `/api/search?q=Body${sc.free.tag}`)).body)).not.toContain(sc.free.tag);
    } else {
      expect(free).not.toBeNull();
      expect(await attachmentsOf(sc.free.id)).toEqual([]);
      expect(await storedAnywhere(t, `File${sc.free.tag}`)).toEqual([]);
      const events = (await ticketEventRepository.listByTicket(t.s.db.m, sc.free.id)).filter((e) => e.type.startsWith('retention.'));
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ type: mode === 'anonymise' ? 'retention.anonymised' : 'retention.attachments', actorType: 'system', cause: { kind: 'retention', id: sc.px.id } });
      const msgs = await messageRepository.listByTicket(t.s.db.m, sc.free.id);
      if (mode === 'anonymise') {
        expect(free!.subject).toBe(REMOVED_TEXT);
        expect(msgs.every((m) => m.text === REMOVED_TEXT && m.html === null && (m.authorType === 'agent' || m.authorName == null))).toBe(true);
        for (const v of [`Subject${sc.free.tag}`, `Body${sc.free.tag}`]) expect({ v, at: await storedAnywhere(t, v) }).toEqual({ v, at: [] });
        expect(free!.messageCount).toBeGreaterThan(0);
      } else {
        expect(msgs[0].text).toContain(`Body${sc.free.tag}`);
      }
      const page = await (await fetch(`${t.url}/tickets/${sc.free.id}`, { headers: { authorization: `Bearer ${t.admin.token}` } })).text();
      expect(page).toMatch(/by retention policy/);
    }
    expect((await verifyChains(t.s.db.m)).problems).toEqual([]);
    // A second sweep has nothing more to do for this inbox.
    expect((await sweepRetention(t.s, clock)).find((r) => r.policyId === sc.px.id)).toMatchObject({ tickets: 0, held: 2 });

    // Lifting the ticket and inbox holds lets the next sweep take those; the contact stays held.
    await t.api('POST', `/api/holds/${sc.holds.ticket}/release`, { reason: 'released' });
    await t.api('POST', `/api/holds/${sc.holds.inbox}/release`, { reason: 'released' });
    const dry2 = (await t.api('GET', `/api/retention/policies/${sc.px.id}/dry-run`)).body.dryRun;
    expect(dry2).toMatchObject({ tickets: 1, held: 1 });
    const runs2 = await sweepRetention(t.s, clock);
    expect(runs2.find((r) => r.policyId === sc.px.id)).toMatchObject({ tickets: 1, held: 1, ticketIds: [sc.ticketHeld.id] });
    expect(runs2.find((r) => r.policyId === sc.py.id)).toMatchObject({ tickets: 1, ticketIds: [sc.inboxHeld.id] });
    expect(await attachmentsOf(sc.contactHeld.id)).toHaveLength(1);
    expect((await verifyChains(t.s.db.m)).problems).toEqual([]);

    if (mode === 'anonymise') {
      // New words on an anonymised ticket bring it back to the next sweep.
      const note = await t.api('POST', `/api/tickets/${sc.free.id}/notes`, { text: `Later${sc.free.tag} note` });
      expect(note.status).toBe(201);
      expect((await sweepRetention(t.s, clock)).find((r) => r.policyId === sc.px.id)).toMatchObject({ ticketIds: [sc.free.id] });
      expect(await storedAnywhere(t, `Later${sc.free.tag}`)).toEqual([]);
      expect((await verifyChains(t.s.db.m)).problems).toEqual([]);
    }

    // The run log is on the admin page.
    const admin = await (await fetch(`${t.url}/admin/retention?dry=${sc.px.id}`, { headers: { authorization: `Bearer ${t.admin.token}` } })).text();
    expect(admin).toContain(`Inbox X`);
    expect(admin).toMatch(new RegExp(`data-run="${runX.id}"`));
    // Remove the policies so later scenes see only their own.
    await t.api('DELETE', `/api/retention/policies/${sc.px.id}`);
    await t.api('DELETE', `/api/retention/policies/${sc.py.id}`);
  });

  it('reads candidates from the sweep index, not by scanning the tickets', async () => {
    const plan = t.s.db.kind === 'sqlite'
      ? await retentionRepository.explainCandidates(t.s.db.m, 1, clock)
      // A test database is tiny, so Postgres would rather scan; with scans priced out it shows the index serves the query.
      : await t.s.db.ds.transaction(async (m) => (await m.query('SET LOCAL enable_seqscan = off'), retentionRepository.explainCandidates(m, 1, clock)));
    // SQLite takes the sweep index; Postgres picks among the status indexes by its statistics
    // (on a table this small another one) but never scans the table.
    if (t.s.db.kind === 'sqlite') expect(plan).toMatch(/ix_tickets_retention_sweep/);
    else expect(plan).toMatch(/Index Scan|Index Only Scan|Bitmap Index Scan/);
    expect(plan).not.toMatch(/SCAN t$|SCAN t\n|SCAN tickets|Seq Scan on tickets/m);
  });

  it('validates policies and is for admins only', async () => {
    expect((await t.api('POST', '/api/retention/policies', { scope: 'global', months: 0, action: 'delete' })).status).toBe(400);
    expect((await t.api('POST', '/api/retention/policies', { scope: 'global', months: 1201, action: 'delete' })).status).toBe(400);
    expect((await t.api('POST', '/api/retention/policies', { scope: 'inbox', months: 12, action: 'delete' })).status).toBe(400);
    expect((await t.api('POST', '/api/retention/policies', { scope: 'global', months: 12, action: 'shred' })).status).toBe(400);
    const plain = await createAgent(t.s.db, Date.now(), { email: `plain-ret-${db}@chorus.test`, name: 'Plain', password: 'plain-password', role: 'agent' });
    const token = await t.s.sessions.createApiToken(plain.id, 'x');
    for (const [method, path] of [['GET', '/api/retention/policies'], ['POST', '/api/retention/policies'], ['GET', '/api/retention/runs'], ['GET', '/api/retention/policies/1/dry-run'], ['GET', '/admin/retention']]) {
      expect({ path, status: (await t.api(method, path, method === 'POST' ? { scope: 'global', months: 12, action: 'delete' } : undefined, token)).status }).toEqual({ path, status: 403 });
    }
    const inbox = await createInbox(t.s.db, clock, { name: 'Cust', channel: 'email', address: 'cust@ret.test', settings: {} });
    await postRawEmail(t, inbox.id, mailWithFile('cust@ret.test', 'cust-ret@example.com', `C${db}`));
    const customer = await signInByLink(t, 'cust-ret@example.com');
    for (const path of ['/api/retention/policies', '/api/retention/runs', '/admin/retention']) expect({ path, status: (await customer.get(path)).status }).toEqual({ path, status: 404 });
    const doc = (await t.api('GET', '/api/openapi.json')).body;
    for (const p of ['/api/retention/policies', '/api/retention/policies/{id}', '/api/retention/policies/{id}/dry-run', '/api/retention/runs']) expect(Object.keys(doc.paths)).toContain(p);
  });
});
