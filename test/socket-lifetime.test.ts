import { Session } from '../src/db/entities';
import { ticketEventRepository } from '../src/db/repositories/ticket-event.repository';
import { rooms } from '../src/realtime/rooms';
import type { SocketData } from '../src/realtime/socket-server';
import { mergeTicket } from '../src/tickets/commands/merge-ticket';
import { undoTicketEvent } from '../src/tickets/commands/undo-ticket-event';
import type { Viewer } from '../src/policies/viewer';
import { DB_KINDS, apiInbox, connectSocket, joinTicket, nextEvent, postSigned, recordEvents, startTestChorus, type TestChorus } from './helpers/test-chorus';
import { agentSession, disconnected } from './helpers/sockets';
import { signInByLink } from './helpers/web-client';

// A socket lives no longer than the right that let it in: signing out, session expiry,
// deactivation and lost access to a ticket act on live sockets at once.
describe.each(DB_KINDS)('socket lifetime (%s)', (db) => {
  let t: TestChorus;
  const admin = (): Viewer => ({ kind: 'agent', agentId: t.admin.id, role: 'admin', name: 'Ada' });
  beforeAll(async () => {
    t = await startTestChorus({ db });
  });
  afterAll(async () => t.stop());

  it('drops the sockets of a session when it signs out, and only those', async () => {
    const one = await agentSession(t, t.admin.email, t.admin.password);
    const two = await agentSession(t, t.admin.email, t.admin.password);
    const a = await connectSocket(t, { cookie: one.cookie });
    const b = await connectSocket(t, { cookie: two.cookie });
    const gone = disconnected(a);
    const out = await fetch(`${t.url}/api/auth/logout`, { method: 'POST', headers: { cookie: one.cookie, 'x-csrf-token': one.csrf } });
    expect(out.status).toBe(200);
    await gone;
    // The other sign-in keeps its socket: a round trip still answers.
    expect(b.connected).toBe(true);
    expect((await b.timeout(5000).emitWithAck('ticket:join', { ticketId: 999_999 })).ok).toBe(false);
    b.close();
  });

  it('keeps customers and visitors out of the command-centre room, whatever they send', async () => {
    const customer = await signInByLink(t, 'lifetime-live@example.com');
    const cust = await connectSocket(t, { cookie: customer.cookie });
    const anon = await connectSocket(t);
    for (const so of [cust, anon]) {
      for (const payload of [{}, { room: rooms.commandCentre }, null, 'command-centre']) expect(await so.timeout(5000).emitWithAck('live:join', payload)).toMatchObject({ ok: false });
      // Joining the room by name through the ticket door is refused too.
      expect((await so.timeout(5000).emitWithAck('ticket:join', { ticketId: rooms.commandCentre })).ok).toBe(false);
    }
    const inRoom = (await t.s.io!.in(rooms.commandCentre).fetchSockets()).map((so) => so.id);
    expect(inRoom).not.toContain(cust.id);
    expect(inRoom).not.toContain(anon.id);
    cust.close();
    anon.close();
  });

  it('drops a deactivated agent\'s sockets (session and API token) before the next staff note', async () => {
    const created = await t.api('POST', '/api/agents', { email: 'dora@chorus.test', name: 'Dora', password: 'dora-password' });
    const dora = created.body.agent.id as number;
    const token = await t.s.sessions.createApiToken(dora, 'dora');
    const viaSession = await connectSocket(t, { cookie: (await agentSession(t, 'dora@chorus.test', 'dora-password')).cookie });
    const viaToken = await connectSocket(t, { token });
    const inbox = await apiInbox(t);
    const q = await postSigned(t, inbox, { externalId: 'life-1', author: { id: 'c1' }, text: 'help' });
    for (const so of [viaSession, viaToken]) expect((await joinTicket(so, q.body.ticketId)).audience).toBe('staff');
    for (const so of [viaSession, viaToken]) expect(await so.timeout(5000).emitWithAck('live:join', {})).toEqual({ ok: true });
    const seen = [recordEvents(viaSession), recordEvents(viaToken)];
    const gone = Promise.all([disconnected(viaSession), disconnected(viaToken)]);
    expect((await t.api('PATCH', `/api/agents/${dora}`, { active: false })).status).toBe(200);
    await gone;
    expect((await t.s.io!.in(rooms.commandCentre).fetchSockets()).map((so) => so.id)).toEqual([]);
    await t.api('POST', `/api/tickets/${q.body.ticketId}/notes`, { text: 'STAFF-ONLY after deactivation' });
    await t.s.bus.drain();
    expect(JSON.stringify(seen.map((r) => r.events))).not.toContain('STAFF-ONLY');
    // And it cannot come back.
    await expect(connectSocket(t, { token })).rejects.toThrow(/unauthorized/);
  });

  it('drops a socket when its session expires, without waiting for it to act', async () => {
    const s = await agentSession(t, t.admin.email, t.admin.password);
    const sock = await connectSocket(t, { cookie: s.cookie });
    // Re-connect with the session shortened to expire in a moment.
    sock.close();
    const sessions = await t.s.db.m.getRepository(Session).find({ order: { createdAt: 'DESC' } });
    await t.s.db.m.getRepository(Session).update({ idHash: sessions[0].idHash }, { expiresAt: t.s.now() + 1500 });
    const short = await connectSocket(t, { cookie: s.cookie });
    const ended = nextEvent(short, 'session.ended', () => true, 15_000).catch(() => null);
    await disconnected(short);
    expect(await ended).toEqual({ reason: 'expired' });
    await expect(connectSocket(t, { cookie: s.cookie }).then((so) => so.emitWithAck('ticket:join', { ticketId: 1 }))).resolves.toMatchObject({ ok: false });
  });

  it('moves a customer out of a ticket\'s participants room when they are removed from its participants', async () => {
    const inbox = await apiInbox(t);
    const theirs = await postSigned(t, inbox, { externalId: 'life-x', author: { id: 'xena', email: 'xena@example.com', name: 'Xena' }, text: 'my question' });
    const other = await postSigned(t, inbox, { externalId: 'life-y', author: { id: 'yan', email: 'yan@example.com', name: 'Yan' }, text: 'another question' });
    await mergeTicket(t.s.commands, admin(), theirs.body.ticketId, other.body.ticketId);
    const xena = await signInByLink(t, 'xena@example.com');
    const sock = await connectSocket(t, { cookie: xena.cookie });
    expect((await joinTicket(sock, other.body.ticketId)).audience).toBe('participants');
    const seen = recordEvents(sock);

    const merged = (await ticketEventRepository.listByTicket(t.s.db.m, other.body.ticketId)).find((e) => e.type === 'merged')!;
    const told = nextEvent(sock, 'ticket.access', (e) => e.ticketId === other.body.ticketId, 15_000);
    await undoTicketEvent(t.s.commands, admin(), other.body.ticketId, merged.id);
    expect(await told).toEqual({ ticketId: other.body.ticketId, audience: null });
    const inRoom = await t.s.io!.in(rooms.ticket(other.body.ticketId, 'participants')).fetchSockets();
    expect(inRoom.some((so) => (so.data as SocketData).viewer.kind === 'contact')).toBe(false);

    await t.api('POST', `/api/tickets/${other.body.ticketId}/replies`, { text: 'PARTICIPANTS-ONLY for Yan' });
    await t.s.bus.drain();
    // A round trip on the same connection: everything sent before it has arrived.
    await sock.timeout(5000).emitWithAck('ticket:join', { ticketId: theirs.body.ticketId });
    expect(JSON.stringify(seen.events)).not.toContain('PARTICIPANTS-ONLY');
    sock.close();
  });

  it('moves visitors out of a thread taken private, and tells them', async () => {
    const inbox = await apiInbox(t);
    const q = await postSigned(t, inbox, { externalId: 'life-pub', threadKey: 'life-pub', author: { id: 'pam' }, text: 'public question', audience: 'public' });
    const anon = await connectSocket(t);
    expect((await joinTicket(anon, q.body.ticketId)).audience).toBe('public');
    const seen = recordEvents(anon);
    const told = nextEvent(anon, 'ticket.access', (e) => e.ticketId === q.body.ticketId, 15_000);
    expect((await t.api('POST', `/api/tickets/${q.body.ticketId}/visibility`, { visibility: 'private' })).status).toBe(200);
    expect(await told).toEqual({ ticketId: q.body.ticketId, audience: null });
    await t.api('POST', `/api/tickets/${q.body.ticketId}/replies`, { text: 'AFTER-PRIVATE reply', target: 'public' });
    await t.s.bus.drain();
    await anon.timeout(5000).emitWithAck('ticket:join', { ticketId: q.body.ticketId });
    expect(JSON.stringify(seen.events)).not.toContain('AFTER-PRIVATE');
    anon.close();
  });
});
