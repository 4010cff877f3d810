import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import { SESSION_COOKIE } from '../auth/session.service';
import { topAudience } from '../policies/audience.policy';
import { loadTicketAccess } from '../policies/ticket-access';
import { ANONYMOUS, type Viewer } from '../policies/viewer';
import type { Services } from '../services';
import { attachAdapter } from './adapter';
import { startLiveFeed } from '../command-centre/live-feed';
import { reportPolicy } from '../policies/report.policy';
import { listeningPolicy } from '../policies/listening.policy';
import { startBroadcaster } from './broadcaster';
import { relayReferenceChanges } from './reference-relay';
import { rooms } from './rooms';
import { trackClusterRooms } from './cluster-rooms';

export interface SocketData {
  viewer: Viewer;
  // A cookie session's id hash and expiry (absent for API tokens and anonymous sockets).
  sessionHash?: string;
  expiresAt?: number;
}

// setTimeout's longest delay; a later expiry is re-armed when this one fires.
const MAX_TIMER = 2 ** 31 - 1;

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

export async function startSocketServer(s: Services, http: HttpServer): Promise<{ io: Server; close: () => Promise<void> }> {
  const io = new Server<any, any, any, SocketData>(http, { serveClient: true, cors: { origin: false } });
  const detach = await attachAdapter(s, io);
  const roomsInUse = trackClusterRooms(io, !!s.config.REDIS_URL || s.config.isPostgres, [rooms.agents, rooms.commandCentre, rooms.listening]);
  const liveFeed = startLiveFeed(s, io, { inUse: (room) => roomsInUse.has(room) });
  const presence = presenceAnnouncer(io);
  s.liveFeed = liveFeed;
  s.roomsInUse = roomsInUse;

  // Authenticated handshake: an agent or customer session cookie, an API token, or anonymous
  // (which can only ever join public rooms of public tickets).
  io.use(async (socket, next) => {
    try {
      const token = (socket.handshake.auth as { token?: string } | undefined)?.token;
      let viewer: Viewer = ANONYMOUS;
      if (token) {
        const v = await s.sessions.fromApiToken(token);
        if (!v) return next(new Error('unauthorized: the API token is not valid'));
        viewer = v;
      } else {
        const session = await s.sessions.fromSessionId(cookieValue(socket.request.headers.cookie, SESSION_COOKIE));
        viewer = session.viewer;
        socket.data.sessionHash = session.sessionHash;
        socket.data.expiresAt = session.expiresAt;
      }
      socket.data.viewer = viewer;
      next();
    } catch (err) {
      next(err as Error);
    }
  });

  io.on('connection', (socket: Socket<any, any, any, SocketData>) => {
    const viewer = socket.data.viewer;
    s.metrics.sockets.inc();
    if (viewer.kind === 'agent') {
      socket.join([rooms.agents, rooms.agent(viewer.agentId)]);
      // The command centre lists who is signed in.
      liveFeed.poke();
    }
    if (viewer.kind === 'contact') socket.join(rooms.contact(viewer.contactId));
    if (socket.data.sessionHash) socket.join(rooms.session(socket.data.sessionHash));
    // A session that expires takes its socket with it at that moment, not at its next action.
    let expiry: NodeJS.Timeout | undefined;
    const armExpiry = () => {
      const left = socket.data.expiresAt! - s.now();
      if (left <= 0) {
        socket.emit('session.ended', { reason: 'expired' });
        socket.disconnect(true);
        return;
      }
      expiry = setTimeout(armExpiry, Math.min(left, MAX_TIMER));
      expiry.unref();
    };
    if (socket.data.expiresAt !== undefined) armExpiry();
    socket.on('disconnect', () => clearTimeout(expiry));
    socket.emit('hello', { viewer: viewer.kind === 'agent' ? { kind: 'agent', id: viewer.agentId, name: viewer.name } : viewer.kind === 'contact' ? { kind: 'contact', id: viewer.contactId, name: viewer.name } : { kind: 'anonymous' } });

    socket.on('ticket:join', async (payload: { ticketId?: unknown }, ack?: (r: unknown) => void) => {
      const reply = typeof ack === 'function' ? ack : () => {};
      const ticketId = Number(payload?.ticketId);
      if (!Number.isInteger(ticketId) || ticketId <= 0) return reply({ ok: false, error: 'ticketId must be a positive integer' });
      try {
        const { ticket, facts } = await loadTicketAccess(s.db.m, viewer, ticketId);
        const audience = topAudience(viewer, facts)!;
        for (const a of ['public', 'participants', 'staff'] as const) socket.leave(rooms.ticket(ticket.id, a));
        await socket.join(rooms.ticket(ticket.id, audience));
        if (viewer.kind === 'agent') {
          await socket.join(rooms.presence(ticket.id));
          presence.announce(ticket.id);
        }
        // Every node knows this room has a member before the page is told it joined.
        await roomsInUse.settled();
        reply({ ok: true, ticketId: ticket.id, audience });
      } catch {
        // A refused (re-)join leaves whatever room this socket held on that ticket.
        for (const a of ['public', 'participants', 'staff'] as const) socket.leave(rooms.ticket(ticketId, a));
        reply({ ok: false, error: 'not found' });
      }
    });

    socket.on('ticket:leave', async (payload: { ticketId?: unknown }) => {
      const ticketId = Number(payload?.ticketId);
      if (!Number.isInteger(ticketId)) return;
      for (const a of ['public', 'participants', 'staff'] as const) socket.leave(rooms.ticket(ticketId, a));
      if (socket.rooms.has(rooms.presence(ticketId))) {
        socket.leave(rooms.presence(ticketId));
        presence.announce(ticketId);
      }
    });

    // The inbox shows who is on the tickets of its rows. The page says which rows it shows; it is
    // told of those only (not of every ticket anyone opens), with the current viewers at once.
    socket.on('rows:watch', async (payload: { ticketIds?: unknown }, ack?: (r: unknown) => void) => {
      const reply = typeof ack === 'function' ? ack : () => {};
      if (viewer.kind !== 'agent') return;
      const ids = Array.isArray(payload?.ticketIds) ? [...new Set(payload.ticketIds.map(Number).filter((n) => Number.isInteger(n) && n > 0))] : null;
      if (!ids || ids.length > MAX_WATCHED_ROWS) return reply({ ok: false, error: `ticketIds must be a list of at most ${MAX_WATCHED_ROWS} ticket ids` });
      for (const room of [...socket.rooms]) if (room.startsWith('row:')) socket.leave(room);
      await Promise.all(ids.map((id) => socket.join(rooms.row(id))));
      await roomsInUse.settled();
      reply({ ok: true, presence: await presenceOf(io, ids) });
    });

    // Who is on any of the given tickets (at most a page of them), from every node.
    socket.on('presence:all', async (payload: { ticketIds?: unknown }, ack?: (r: unknown) => void) => {
      if (viewer.kind !== 'agent' || typeof ack !== 'function') return;
      const ids = Array.isArray(payload?.ticketIds) ? payload.ticketIds.map(Number).filter((n) => Number.isInteger(n) && n > 0).slice(0, MAX_WATCHED_ROWS) : [];
      ack(await presenceOf(io, ids));
    });

    // Collision handling: agents see who else is typing on a ticket, and whether it is a note.
    socket.on('presence:typing', (payload: { ticketId?: unknown; typing?: unknown; note?: unknown }) => {
      const ticketId = Number(payload?.ticketId);
      if (viewer.kind !== 'agent' || !socket.rooms.has(rooms.presence(ticketId))) return;
      socket.to(rooms.presence(ticketId)).emit('presence:typing', { ticketId, agent: { id: viewer.agentId, name: viewer.name }, typing: !!payload.typing, note: !!payload.note });
    });

    // The command centre's screens: staff figures, so only a viewer who may read reports joins.
    // The joiner gets a fresh board at once (changes since its page was drawn are not lost).
    socket.on('live:join', async (_payload: unknown, ack?: (r: unknown) => void) => {
      const reply = typeof ack === 'function' ? ack : () => {};
      if (!reportPolicy.read(viewer)) return reply({ ok: false, error: 'not found' });
      await socket.join(rooms.commandCentre);
      await roomsInUse.settled();
      liveFeed.poke();
      reply({ ok: true });
    });

    // The listening view: agents only (the policy decides, as for every room).
    socket.on('listening:join', async (_payload: unknown, ack?: (r: unknown) => void) => {
      const reply = typeof ack === 'function' ? ack : () => {};
      if (!listeningPolicy.triage(viewer)) return reply({ ok: false, error: 'not found' });
      await socket.join(rooms.listening);
      await roomsInUse.settled();
      reply({ ok: true });
    });

    socket.on('disconnecting', () => {
      const tickets = [...socket.rooms].filter((r) => r.startsWith('presence:')).map((r) => Number(r.split(':')[1]));
      setImmediate(() => tickets.forEach((t) => presence.announce(t)));
    });
    socket.on('disconnect', () => {
      s.metrics.sockets.dec();
      if (viewer.kind === 'agent') liveFeed.poke();
    });
  });

  startBroadcaster(s, io, liveFeed, roomsInUse);
  const stopRelay = relayReferenceChanges(s, io, !!s.config.REDIS_URL || s.config.isPostgres);
  return {
    io,
    close: async () => {
      stopRelay();
      await liveFeed.stop();
      roomsInUse.stop();
      presence.stop();
      io.disconnectSockets(true);
      await new Promise<void>((r) => io.close(() => r()));
      // Handlers still presenting an event emit through the adapter: let them finish before its
      // clients close (a publish on a closed Redis client is an unhandled rejection).
      await s.bus.drain();
      await detach();
    },
  };
}

const MAX_WATCHED_ROWS = 500;

// The agents on each of these tickets, in one round over the cluster (fetchSockets asks every
// node through the adapter, for the sockets in any of the tickets' presence rooms).
async function presenceOf(io: Server, ticketIds: number[]): Promise<{ ticketId: number; viewers: { id: number; name: string }[] }[]> {
  if (!ticketIds.length) return [];
  const wanted = new Set(ticketIds.map((id) => rooms.presence(id)));
  const byTicket = new Map<number, Map<number, string>>();
  for (const so of await io.in([...wanted]).fetchSockets()) {
    const v = (so.data as SocketData).viewer;
    if (v?.kind !== 'agent') continue;
    for (const room of so.rooms) {
      if (!wanted.has(room)) continue;
      const id = Number(room.slice('presence:'.length));
      if (!byTicket.has(id)) byTicket.set(id, new Map());
      byTicket.get(id)!.set(v.agentId, v.name);
    }
  }
  return [...byTicket].map(([ticketId, m]) => ({ ticketId, viewers: [...m].map(([id, name]) => ({ id, name })) }));
}

// Presence changes on a ticket, coalesced: a burst of opens and leaves (a thousand agents on one
// ticket) costs one round over the cluster and one emit per ticket, not one per change (which
// made a burst quadratic). Only the agents on that ticket's page or watching its inbox row hear.
function presenceAnnouncer(io: Server): { announce: (ticketId: number) => void; stop: () => void } {
  let pending = new Set<number>();
  let scheduled = false;
  let stopped = false;
  // While one round is out, later changes gather for the next.
  const flush = async () => {
    const ids = [...pending];
    pending = new Set();
    try {
      if (stopped || !ids.length) return;
      const found = new Map((await presenceOf(io, ids)).map((p) => [p.ticketId, p.viewers]));
      for (const ticketId of ids) io.to(rooms.presence(ticketId)).to(rooms.row(ticketId)).emit('presence', { ticketId, viewers: found.get(ticketId) ?? [] });
    } catch {
      /* a node did not answer in time: the next change announces again */
    } finally {
      scheduled = false;
      if (pending.size && !stopped) schedule();
    }
  };
  const schedule = () => {
    scheduled = true;
    setImmediate(() => void flush());
  };
  return {
    announce: (ticketId) => {
      pending.add(ticketId);
      if (!scheduled) schedule();
    },
    stop: () => {
      stopped = true;
    },
  };
}
