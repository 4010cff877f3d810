import type { Server } from 'socket.io';
import { agentRepository } from '../db/repositories/agent.repository';
import { messageRepository } from '../db/repositories/message.repository';
import { ticketRepository } from '../db/repositories/ticket.repository';
import { notificationRepository } from '../db/repositories/notification.repository';
import { presentNotification } from '../notifications/notification.presenter';
import type { Audience, Ticket } from '../db/entities';
import { presentMessages } from '../http/presenters/message.presenter';
import { presentTicketList } from '../http/presenters/ticket.presenter';
import { canSeeMessage, topAudience } from '../policies/audience.policy';
import { accessFacts } from '../policies/ticket-access';
import type { Viewer } from '../policies/viewer';
import type { Services } from '../services';
import type { LiveFeed } from '../command-centre/live-feed';
import { rooms } from './rooms';
import { WAKE_TEXT } from '../tickets/commands/wake-ticket';
import type { SocketData } from './socket-server';

// Ticket changes after which a listener may no longer read what their room carries.
const ACCESS_CHANGES = ['visibility', 'merged', 'participants'];

// Representative viewers for each ticket room: what the policy lets them see is exactly what
// the room receives. Agents see all; participants public+participants; the public room public only.
const ROOM_VIEWERS: [Audience, Viewer][] = [
  ['staff', { kind: 'agent', agentId: 0, role: 'agent', name: '' }],
  ['participants', { kind: 'contact', contactId: -1, name: '' }],
  ['public', { kind: 'anonymous' }],
];

// The one map from domain events to socket rooms. Each event is re-checked against the
// policy per room, so a staff note can only ever reach the staff room.
export function startBroadcaster(s: Services, io: Server, liveFeed: LiveFeed): void {
  const { bus, db } = s;
  // The command centre (agents only) is refreshed, coalesced, after anything it counts changes.
  for (const name of ['ticket.created', 'ticket.updated', 'message.created', 'agent.updated', 'agent.deactivated'] as const) bus.on(name, () => liveFeed.poke());

  // On a single node (in-memory adapter) a room nobody joined needs no presenting; across
  // nodes the adapter knows only remotely, so every room is served.
  const clustered = !!s.config.REDIS_URL || s.config.isPostgres;
  const listening = (...names: string[]) => clustered || names.some((n) => (io.of('/').adapter.rooms.get(n)?.size ?? 0) > 0);

  bus.on('message.created', (e) => emitMessage('message.created', e.ticketId, e.messageId));
  bus.on('message.updated', (e) => emitMessage('message.updated', e.ticketId, e.messageId));

  bus.on('ticket.created', async (e) => {
    if (!listening(rooms.agents)) return;
    const t = await ticketRepository.findById(db.m, e.ticketId);
    if (!t) return;
    const [summary] = await presentTicketList(db.m, [t]);
    io.to(rooms.agents).emit('ticket.created', summary);
  });

  bus.on('ticket.updated', async (e) => {
    if (!listening(rooms.agents, ...(['staff', 'participants', 'public'] as const).map((a) => rooms.ticket(e.ticketId, a)))) return;
    const t = await ticketRepository.findById(db.m, e.ticketId);
    if (!t) return;
    const [summary] = await presentTicketList(db.m, [t]);
    io.to(rooms.agents).to(rooms.ticket(t.id, 'staff')).emit('ticket.updated', { ticket: summary, changes: e.changes });
    // Customers and the public learn only the state a customer page shows.
    const brief = { id: t.id, status: t.status, visibility: t.visibility, acceptedMessageId: t.acceptedMessageId, changes: e.changes.filter((c) => ['status', 'visibility', 'accepted'].includes(c)) };
    if (brief.changes.length) io.to(rooms.ticket(t.id, 'participants')).emit('ticket.updated', brief);
    if (t.visibility === 'public' && brief.changes.length) io.to(rooms.ticket(t.id, 'public')).emit('ticket.updated', brief);
    // Who may read the ticket changed: every listening customer and visitor is checked again
    // (meanwhile each message is still checked against the ticket as it now is, per room).
    if (e.changes.some((c) => ACCESS_CHANGES.includes(c))) await recheckRooms(t);
  });

  // Signing out, session expiry and deactivation end the socket itself. disconnectSockets goes
  // through the adapter, so the sockets are dropped on whichever node holds them.
  bus.on('session.ended', (e) => io.in(rooms.session(e.sessionHash)).disconnectSockets(true));
  bus.on('agent.deactivated', (e) => io.in(rooms.agent(e.agentId)).disconnectSockets(true));

  bus.on('inbox.counts', () => {
    if (listening(rooms.agents)) io.to(rooms.agents).emit('inbox.counts', {});
  });

  // Mentions go to the mentioned agent's own room only (every tab they have open).
  bus.on('agent.mentioned', async (e) => {
    if (!listening(rooms.agent(e.agentId))) return;
    const [t, msg, by] = await Promise.all([
      ticketRepository.findById(db.m, e.ticketId), messageRepository.findById(db.m, e.messageId), e.byAgentId ? agentRepository.findById(db.m, e.byAgentId) : null,
    ]);
    if (!t || !msg) return;
    io.to(rooms.agent(e.agentId)).emit('mention', { ticketId: t.id, subject: t.subject, messageId: msg.id, note: msg.audience === 'staff', by: by?.name ?? 'Someone', excerpt: msg.text.slice(0, 140) });
  });

  // Bell notifications are the agent's own: their room only, never a ticket or customer room.
  bus.on('notification.created', async (e) => {
    if (!listening(rooms.agent(e.agentId))) return;
    const n = await notificationRepository.findById(db.m, e.notificationId);
    if (!n || n.agentId !== e.agentId) return;
    io.to(rooms.agent(e.agentId)).emit('notification', { item: presentNotification(n), unread: await notificationRepository.unreadCount(db.m, e.agentId) });
  });
  bus.on('notification.read', async (e) => {
    if (!listening(rooms.agent(e.agentId))) return;
    io.to(rooms.agent(e.agentId)).emit('notification.read', { ids: e.ids, unread: await notificationRepository.unreadCount(db.m, e.agentId) });
  });

  // A snoozed ticket woke up: its assignee is told in their own room only (every tab they have open).
  bus.on('ticket.woke', async (e) => {
    if (!listening(rooms.agent(e.agentId))) return;
    const t = await ticketRepository.findById(db.m, e.ticketId);
    if (!t) return;
    io.to(rooms.agent(e.agentId)).emit('ticket.woke', { ticketId: t.id, subject: t.subject, reason: e.reason, text: WAKE_TEXT[e.reason] });
  });

  // Sockets in a ticket's participants and public rooms (on every node) move to the room the
  // policy now gives them, or leave; each is told its new audience so the page can follow.
  async function recheckRooms(t: Ticket) {
    for (const audience of ['participants', 'public'] as const) {
      const room = rooms.ticket(t.id, audience);
      for (const so of await io.in(room).fetchSockets()) {
        const viewer = (so.data as SocketData).viewer;
        const now = viewer ? topAudience(viewer, await accessFacts(db.m, viewer, t)) : null;
        if (now === audience) continue;
        so.leave(room);
        if (now) so.join(rooms.ticket(t.id, now));
        so.emit('ticket.access', { ticketId: t.id, audience: now });
      }
    }
  }

  async function emitMessage(event: string, ticketId: number, messageId: number) {
    if (!listening(...(['staff', 'participants', 'public'] as const).map((a) => rooms.ticket(ticketId, a)))) return;
    const [t, msg] = await Promise.all([ticketRepository.findById(db.m, ticketId), messageRepository.findById(db.m, messageId)]);
    if (!t || !msg) return;
    for (const [audience, viewer] of ROOM_VIEWERS) {
      // The representative participant is a participant by definition.
      const facts = { ticket: t, isParticipant: audience === 'participants' };
      if (!canSeeMessage(viewer, facts, msg)) {
        // Moderated away: those who could read it before are told to drop it (only its id leaves).
        if (msg.hidden && canSeeMessage(viewer, facts, { ...msg, hidden: false })) io.to(rooms.ticket(t.id, audience)).emit('message.hidden', { id: msg.id, ticketId: t.id });
        continue;
      }
      const [presented] = await presentMessages(db.m, viewer, [msg]);
      io.to(rooms.ticket(t.id, audience)).emit(event, presented);
    }
    // A hidden post is still shown to its author in their own room.
    if (msg.hidden && msg.authorContactId) {
      const [own] = await presentMessages(db.m, { kind: 'contact', contactId: msg.authorContactId, name: '' }, [msg]);
      io.to(rooms.contact(msg.authorContactId)).emit(event, own);
    }
  }
}
