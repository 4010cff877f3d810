import type { Server } from 'socket.io';
import { agentRepository } from '../db/repositories/agent.repository';
import { messageRepository } from '../db/repositories/message.repository';
import { messageDeliveryRepository } from '../db/repositories/message-delivery.repository';
import { ticketRepository } from '../db/repositories/ticket.repository';
import { notificationRepository } from '../db/repositories/notification.repository';
import { presentNotification } from '../notifications/notification.presenter';
import { listeningItemRepository } from '../db/repositories/listening-item.repository';
import { presentListeningItems } from '../listening/item.presenter';
import type { Audience, Message, Ticket } from '../db/entities';
import { hydrationFrom, shapeMessages } from '../http/presenters/message.presenter';
import { presentTicketList } from '../http/presenters/ticket.presenter';
import { canSeeMessage, topAudience } from '../policies/audience.policy';
import { accessFacts } from '../policies/ticket-access';
import type { Viewer } from '../policies/viewer';
import type { Services } from '../services';
import type { LiveFeed } from '../command-centre/live-feed';
import { rooms } from './rooms';
import { WAKE_TEXT } from '../tickets/commands/wake-ticket';
import type { SocketData } from './socket-server';
import type { ClusterRooms } from './cluster-rooms';

// Ticket changes after which a listener may no longer read what their room carries.
const ACCESS_CHANGES = ['visibility', 'merged', 'participants'];
const AUDIENCES = ['staff', 'participants', 'public'] as const;

// Representative viewers for each ticket room: what the policy lets them see is exactly what
// the room receives. Agents see all; participants public+participants; the public room public only.
const ROOM_VIEWERS: [Audience, Viewer][] = [
  ['staff', { kind: 'agent', agentId: 0, role: 'agent', name: '' }],
  ['participants', { kind: 'contact', contactId: -1, name: '' }],
  ['public', { kind: 'anonymous' }],
];

// The one map from domain events to socket rooms. Each event is re-checked against the
// policy per room, so a staff note can only ever reach the staff room.
// Message events presented together: one joined read per batch, and a turn of the event loop
// between batches, so a burst of emits (and the sockets' own traffic) is never held behind it.
const BATCH = 64;

export function startBroadcaster(s: Services, io: Server, liveFeed: LiveFeed, roomsInUse: ClusterRooms): void {
  const { bus, db } = s;
  // The command centre (agents only) is refreshed, coalesced, after anything it counts changes.
  for (const name of ['ticket.created', 'ticket.updated', 'message.created', 'agent.updated', 'agent.deactivated'] as const) bus.on(name, () => liveFeed.poke());

  // A room nobody joined on any node needs no presenting and no publishing.
  const listening = (...names: string[]) => names.some((n) => roomsInUse.has(n));

  bus.on('message.created', (e) => queueMessage('message.created', e.ticketId, e.messageId));
  bus.on('message.updated', (e) => queueMessage('message.updated', e.ticketId, e.messageId));

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

  // Listened posts go to agents on the listening view only: each new or changed post as the view
  // shows it (a post that became a ticket or was dismissed leaves every open view).
  const listened = async (itemId: number, changes: string[]) => {
    if (!listening(rooms.listening)) return;
    const item = await listeningItemRepository.findById(db.m, itemId);
    if (!item) return;
    const [shown] = await presentListeningItems(db.m, [item]);
    io.to(rooms.listening).emit('listening.item', { item: shown, changes });
  };
  // One post's events go out in the order they came: the view counts a post in on 'created', so a
  // quick follow-up (its sentiment score) must not overtake it while the first is still read.
  const queued = new Map<number, Promise<unknown>>();
  const inOrder = (itemId: number, changes: string[]) => {
    const run = (queued.get(itemId) ?? Promise.resolve()).then(() => listened(itemId, changes));
    const tail = run.catch(() => undefined).finally(() => { if (queued.get(itemId) === tail) queued.delete(itemId); });
    queued.set(itemId, tail);
    return run;
  };
  bus.on('listening.item.created', (e) => inOrder(e.itemId, ['created']));
  bus.on('listening.item.updated', (e) => inOrder(e.itemId, e.changes));

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

  type Pending = { event: string; ticketId: number; messageId: number; done: () => void };
  let queue: Pending[] = [];
  let running = false;
  // Resolves when this event has been sent (the bus waits on it at shutdown and in tests).
  function queueMessage(event: string, ticketId: number, messageId: number): Promise<void> | void {
    if (!listening(...AUDIENCES.map((a) => rooms.ticket(ticketId, a)))) return;
    return new Promise<void>((done) => {
      queue.push({ event, ticketId, messageId, done });
      if (!running) {
        running = true;
        // Once the publisher's synchronous work is done, not a loop turn later: setImmediate
        // waited behind every socket read the poll phase had queued (0.47 ms median at 2,000
        // sockets, most of Chorus's extra latency over bare socket.io). Events published together
        // still form one batch, and the drain yields a turn between batches.
        queueMicrotask(() => void drainQueue());
      }
    });
  }
  async function drainQueue() {
    while (queue.length) {
      const batch = queue.slice(0, BATCH);
      queue = queue.slice(BATCH);
      try {
        await emitMessages(batch);
      } catch (err) {
        s.logger.warn({ err }, 'socket broadcast failed');
      } finally {
        batch.forEach((p) => p.done());
      }
      await new Promise((r) => setImmediate(r));
    }
    running = false;
  }

  async function emitMessages(batch: Pending[]) {
    // One joined read for the batch: the messages, their tickets, attachments, links and authors.
    // On SQLite it runs at once, so the read, the policy checks, presenting and the emits below
    // happen in this one turn instead of behind every other listener of the same events.
    const ids = batch.map((p) => p.messageId);
    const loaded = messageDeliveryRepository.loadForDeliveryNow(db.m, ids) ?? (await messageDeliveryRepository.loadForDelivery(db.m, ids));
    const msgById = new Map(loaded.messages.map((m) => [m.id, m]));
    const ticketById = loaded.tickets;
    // A message moved by a merge after its event was published is still sent where the event
    // says, checked against that ticket (read apart, as this is rare).
    const elsewhere = batch.filter((p) => msgById.has(p.messageId) && !ticketById.has(p.ticketId)).map((p) => p.ticketId);
    if (elsewhere.length) for (const t of await ticketRepository.findByIds(db.m, elsewhere)) ticketById.set(t.id, t);
    // Per audience room, the messages it is sent (each checked against the policy for that room).
    const sends: { audience: Audience; viewer: Viewer; event: string; t: Ticket; msg: Message }[] = [];
    for (const p of batch) {
      const t = ticketById.get(p.ticketId);
      const msg = msgById.get(p.messageId);
      if (!t || !msg) continue;
      for (const [audience, viewer] of ROOM_VIEWERS) {
        const room = rooms.ticket(t.id, audience);
        if (!roomsInUse.has(room)) continue;
        // The representative participant is a participant by definition.
        const facts = { ticket: t, isParticipant: audience === 'participants' };
        if (!canSeeMessage(viewer, facts, msg)) {
          // Moderated away: those who could read it before are told to drop it (only its id leaves).
          if (msg.hidden && canSeeMessage(viewer, facts, { ...msg, hidden: false })) io.to(room).emit('message.hidden', { id: msg.id, ticketId: t.id });
          continue;
        }
        sends.push({ audience, viewer, event: p.event, t, msg });
      }
    }
    if (!sends.length && !batch.some((p) => msgById.get(p.messageId)?.hidden)) return;
    const hidden = batch.map((p) => msgById.get(p.messageId)).filter((m): m is Message => !!m?.hidden && !!m.authorContactId);
    const h = hydrationFrom(loaded);
    // Contacts and visitors are shown the same shape; agents one with delivery details.
    const shaped = new Map<string, unknown>();
    const perAudience = new Map<Audience, number>();
    for (const x of sends) {
      const key = `${x.msg.id}:${x.viewer.kind === 'agent'}`;
      if (!shaped.has(key)) shaped.set(key, shapeMessages(x.viewer, [x.msg], h)[0]);
      const presented = shaped.get(key);
      perAudience.set(x.audience, (perAudience.get(x.audience) ?? 0) + 1);
      io.to(rooms.ticket(x.t.id, x.audience)).emit(x.event, presented);
    }
    // Counted once per audience and batch (a labelled increment per send showed in the burst profile).
    for (const [audience, n] of perAudience) s.metrics.socketPresented.inc({ audience }, n);
    // A hidden post is still shown to its author in their own room.
    for (const msg of hidden) {
      const p = batch.find((b) => b.messageId === msg.id)!;
      if (!roomsInUse.has(rooms.contact(msg.authorContactId!))) continue;
      const [own] = shapeMessages({ kind: 'contact', contactId: msg.authorContactId!, name: '' }, [msg], h);
      io.to(rooms.contact(msg.authorContactId!)).emit(p.event, own);
    }
  }
}
