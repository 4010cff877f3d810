import { reconcileCounts } from '../src/tickets/reconcile-counts';
import { createAgent } from '../src/agents/create-agent';
import { Identity, Ticket } from '../src/db/entities';
import { agentRepository } from '../src/db/repositories/agent.repository';
import type { LiveFigures } from '../src/command-centre/live-figures';
import { rooms } from '../src/realtime/rooms';
import { addReply } from '../src/tickets/commands/add-reply';
import { AgentClient } from './helpers/agent-client';
import { seedContact, seedFacts, seedTicket, type FactSeed } from './helpers/report-facts';
import { DB_KINDS, apiInbox, connectSocket, nextEvent, postSigned, recordEvents, startTestChorus, type TestChorus } from './helpers/test-chorus';
import { settled } from './helpers/wait';
import { WebClient, signInByLink } from './helpers/web-client';

const H = 3_600_000;
const M = 60_000;
const NOW = Date.parse('2026-03-10T12:00:00Z');

// The command centre against a hand-built present: every figure below is counted by hand from
// the fixture's tickets and facts.
describe.each(DB_KINDS)('command centre (%s)', (db) => {
  let t: TestChorus;
  let bo: number;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    t = await startTestChorus({ db, now: () => NOW });
    const m = t.s.db.m;
    await agentRepository.update(m, t.admin.id, { name: 'Ada' });
    bo = (await createAgent(t.s.db, NOW, { email: 'bo@chorus.test', name: 'Bo', password: 'correct horse', role: 'agent' })).id;
    await agentRepository.update(m, bo, { away: true });
    const carol = await seedContact(m, 'Carol');
    const dan = await seedContact(m, 'Dan');
    const erin = await seedContact(m, 'Erin');
    await m.getRepository(Identity).insert([
      { contactId: carol, kind: 'x', value: 'x-carol', handle: 'carol', displayName: 'Carol', followers: 12_000, verified: false, createdAt: 0 },
      { contactId: carol, kind: 'email', value: 'carol@example.com', handle: null, displayName: null, followers: null, verified: false, createdAt: 0 },
      { contactId: dan, kind: 'mastodon', value: 'm-dan', handle: 'dan', displayName: 'Dan', followers: 300, verified: false, createdAt: 0 },
    ]);
    const ticket = async (k: string, channel: string, requesterId: number, patch: Partial<Ticket>, visibility: 'public' | 'private' = 'private') => {
      ids[k] = await seedTicket(m, { subject: `Subject ${k}`, channel, createdAt: NOW - 24 * H, visibility, requesterId });
      await m.getRepository(Ticket).update({ id: ids[k] }, patch);
      return { ticketId: ids[k], channel, visibility };
    };
    const T1 = await ticket('T1', 'email', erin, { status: 'open', assigneeId: t.admin.id, awaitingAgentSince: NOW - 3 * H });
    const T2 = await ticket('T2', 'email', carol, { status: 'new', slaDueAt: NOW + 30 * M, awaitingAgentSince: NOW - 1 * H });
    const T3 = await ticket('T3', 'telegram', erin, { status: 'pending', assigneeId: bo });
    const T4 = await ticket('T4', 'x', carol, { status: 'open', awaitingAgentSince: NOW - 4 * H }, 'public');
    const T5 = await ticket('T5', 'x', dan, { status: 'new', awaitingAgentSince: NOW - 2 * H }, 'public');
    const T6 = await ticket('T6', 'mastodon', dan, { status: 'open', slaDueAt: NOW - 10 * M, awaitingAgentSince: NOW - 30 * M }, 'public');
    const T7 = await ticket('T7', 'email', erin, { status: 'solved', assigneeId: t.admin.id, slaDueAt: NOW + 10 * M, awaitingAgentSince: NOW - 20 * H });
    const T8 = await ticket('T8', 'email', erin, { status: 'open', assigneeId: t.admin.id, slaDueAt: NOW + 2 * H });
    const T9 = await ticket('T9', 'email', erin, { status: 'open', mergedIntoId: ids.T1, slaDueAt: NOW + 5 * M, awaitingAgentSince: NOW - 50 * H });
    const T10 = await ticket('T10', 'email', erin, { status: 'new', automatic: 'Auto-Submitted: auto-replied', slaDueAt: NOW + 5 * M, awaitingAgentSince: NOW - 50 * H });
    const facts: FactSeed[] = [
      // T1: answered once, then the customer wrote twice: waiting since the first of those (3 h).
      { ...T1, kind: 'ticket_created', at: NOW - 5 * H, contactId: erin },
      { ...T1, kind: 'agent_reply', at: NOW - 4 * H, agentId: t.admin.id, audience: 'participants' },
      { ...T1, kind: 'note', at: NOW - 3.5 * H, agentId: t.admin.id, audience: 'staff' },
      { ...T1, kind: 'customer_reply', at: NOW - 3 * H, contactId: erin, audience: 'participants' },
      { ...T1, kind: 'customer_reply', at: NOW - 2 * H, contactId: erin, audience: 'participants' },
      // T2: new, unanswered for 1 h, first response due in 30 min.
      { ...T2, kind: 'ticket_created', at: NOW - 1 * H, contactId: carol },
      // T3: pending (answered): nobody waits.
      { ...T3, kind: 'ticket_created', at: NOW - 10 * H, contactId: erin },
      { ...T3, kind: 'agent_reply', at: NOW - 9 * H, agentId: bo, audience: 'participants' },
      // T4: a public post answered in public, then a public follow-up waiting 4 h before 12,000 followers.
      { ...T4, kind: 'ticket_created', at: NOW - 6 * H, contactId: carol },
      { ...T4, kind: 'agent_reply', at: NOW - 5 * H, agentId: t.admin.id, audience: 'public' },
      { ...T4, kind: 'customer_reply', at: NOW - 4 * H, contactId: carol, audience: 'public', reach: 12_000 },
      // T5: the community answered in public, but the team has not yet (waits 2 h).
      { ...T5, kind: 'ticket_created', at: NOW - 2 * H, contactId: dan },
      { ...T5, kind: 'community_answer', at: NOW - 1 * H, contactId: carol, audience: 'public', wallMs: H, value: 1 },
      // T6: an agent opened it; the customer's public reply has waited 30 min; its deadline passed.
      { ...T6, kind: 'ticket_created', at: NOW - 3 * H, agentId: t.admin.id },
      { ...T6, kind: 'customer_reply', at: NOW - 30 * M, contactId: dan, audience: 'public', reach: 300 },
      // Solved, merged and automatic tickets count nowhere.
      { ...T7, kind: 'ticket_created', at: NOW - 20 * H, contactId: erin },
      { ...T8, kind: 'ticket_created', at: NOW - 30 * M, contactId: erin },
      { ...T8, kind: 'agent_reply', at: NOW - 20 * M, agentId: t.admin.id, audience: 'participants' },
      { ...T9, kind: 'ticket_created', at: NOW - 50 * H, contactId: erin },
      { ...T10, kind: 'ticket_created', at: NOW - 50 * H, contactId: erin },
    ];
    await seedFacts(m, facts);
    // The tickets were written straight to the table: the reconciliation brings the kept counts to them.
    await reconcileCounts(t.s);
  });
  afterAll(async () => t.stop());

  it('counts what is happening now, as computed by hand', async () => {
    const r = await t.api('GET', '/api/reports/live');
    expect(r.status).toBe(200);
    const f = r.body as LiveFigures;
    expect(f.open).toEqual([
      { channel: 'email', label: 'E-mail', new: 1, open: 2, pending: 0, total: 3 },
      { channel: 'x', label: 'X', new: 1, open: 1, pending: 0, total: 2 },
      { channel: 'mastodon', label: 'Mastodon', new: 0, open: 1, pending: 0, total: 1 },
      { channel: 'telegram', label: 'Telegram', new: 0, open: 0, pending: 1, total: 1 },
    ]);
    expect(f.waiting.map((w) => [w.channel, w.ticketId, w.customer, w.waitMs])).toEqual([
      ['x', ids.T4, 'Carol', 4 * H], ['email', ids.T1, 'Erin', 3 * H], ['mastodon', ids.T6, 'Dan', 30 * M],
    ]);
    expect({ atRisk: f.sla.atRisk, overdue: f.sla.overdue }).toEqual({ atRisk: 1, overdue: 1 });
    expect(f.sla.tickets.map((x) => [x.ticketId, x.inMs, x.assignee])).toEqual([[ids.T6, -10 * M, null], [ids.T2, 30 * M, null]]);
    expect(f.public.total).toBe(3);
    expect(f.public.totalReach).toBe(12_600);
    expect(f.public.posts.map((p) => [p.ticketId, p.author, p.reach, p.waitMs])).toEqual([[ids.T4, 'Carol', 12_000, 4 * H], [ids.T5, 'Dan', 300, 2 * H], [ids.T6, 'Dan', 300, 30 * M]]);
    expect(f.agents).toEqual([
      { id: t.admin.id, name: 'Ada', away: false, online: false, open: 2 },
      { id: bo, name: 'Bo', away: true, online: false, open: 1 },
    ]);
  });

  it('draws the board on the server: big numbers, SVG bars and their tables, no script needed', async () => {
    const a = new AgentClient(t);
    await a.signIn(t.admin.email, t.admin.password);
    const page = await a.get('/reports/live');
    expect(page.status).toBe(200);
    const tile = (key: string) => new RegExp(`data-figure="${key}">.*?live-tile-value">([^<]*)<`).exec(page.html)?.[1];
    expect([tile('open'), tile('waiting'), tile('sla'), tile('public'), tile('agents')]).toEqual(['7', '4h', '1', '3', '1 / 2']);
    for (const block of ['open', 'waiting', 'sla', 'public', 'agents']) expect(page.html).toMatch(new RegExp(`data-block="${block}">[\\s\\S]*?<svg[\\s\\S]*?<table`));
    expect(page.html).toContain('overdue 10m');
    expect(page.html).toContain('/static/command-centre.js');
  });

  it('answers a customer and a signed-out visitor with 404, page and JSON, like an unknown path', async () => {
    const customer = await signInByLink(t, 'live-customer@example.com');
    for (const who of [new WebClient(t), customer]) {
      for (const path of ['/reports/live', '/api/reports/live']) {
        const r = await who.get(path);
        const unknown = await who.get(`${path}-nothing-here`);
        expect({ path, status: r.status }).toEqual({ path, status: 404 });
        expect(r.html.replace(path, 'P')).toBe(unknown.html.replace(`${path}-nothing-here`, 'P'));
        expect(r.html).not.toMatch(/Subject T|Carol|Erin/);
      }
    }
  });

  it('lets only agents into the command-centre room, and pushes one refresh per burst of changes', async () => {
    const customer = await signInByLink(t, 'live-socket@example.com');
    const agent = await connectSocket(t, { token: t.admin.token });
    const cust = await connectSocket(t, { cookie: customer.cookie });
    const anon = await connectSocket(t);
    const seen = { cust: recordEvents(cust), anon: recordEvents(anon) };
    expect(await cust.timeout(5000).emitWithAck('live:join', {})).toEqual({ ok: false, error: 'not found' });
    expect(await anon.timeout(5000).emitWithAck('live:join', {})).toEqual({ ok: false, error: 'not found' });
    const firstBoard = nextEvent<{ figures: LiveFigures; html: string }>(agent, 'live.figures', () => true, 15_000);
    expect(await agent.timeout(5000).emitWithAck('live:join', {})).toEqual({ ok: true });
    const members = (await t.s.io!.in(rooms.commandCentre).fetchSockets()).map((s) => s.id);
    expect(members).toEqual([agent.id]);
    // Joining brings a fresh board: the agent is signed in now.
    expect((await firstBoard).figures.agents.find((a) => a.id === t.admin.id)?.online).toBe(true);

    // A ticket arriving moves the board.
    const inbox = await apiInbox(t);
    const arrived = nextEvent<{ figures: LiveFigures; html: string }>(agent, 'live.figures', (p) => p.figures.open.some((o) => o.channel === 'api' && o.new === 1), 15_000);
    await postSigned(t, inbox, { externalId: 'live-1', author: { id: 'u1', email: 'u1@example.com', name: 'Uma' }, subject: 'Where is my parcel?', text: 'Still nothing.' });
    const board = await arrived;
    expect(board.figures.waiting.find((w) => w.channel === 'api')).toMatchObject({ customer: 'Uma', waitMs: 0 });
    expect(board.html).toContain('data-figure="open"');
    // An agent's answer ends the wait.
    const answered = nextEvent<{ figures: LiveFigures }>(agent, 'live.figures', (p) => !p.figures.waiting.some((w) => w.channel === 'api'), 15_000);
    await addReply(t.s.commands, { kind: 'agent', agentId: t.admin.id, role: 'admin', name: 'Ada' }, board.figures.waiting.find((w) => w.channel === 'api')!.ticketId, { audience: 'participants', text: 'It left the warehouse today.' });
    expect((await answered).figures.open.find((o) => o.channel === 'api')).toMatchObject({ new: 0, open: 1 });

    // A burst of a hundred changes is one computation, one push.
    const feed = t.s.liveFeed!;
    await feed.idle();
    const before = feed.refreshes;
    const pushed = nextEvent(agent, 'live.figures', () => true, 15_000);
    t.s.bus.publish(Array.from({ length: 100 }, () => ({ name: 'ticket.updated' as const, payload: { ticketId: ids.T1, changes: ['status'] } })));
    await pushed;
    await feed.idle();
    expect(feed.refreshes - before).toBe(1);

    // Nothing of the board ever reached the customer or the visitor.
    await settled(t.s, cust, anon);
    for (const rec of [seen.cust, seen.anon]) expect(rec.events.map(([name]) => name).filter((n) => n.startsWith('live'))).toEqual([]);
    for (const so of [agent, cust, anon]) so.close();
  });
});
