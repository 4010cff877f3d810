import { platformLabel } from '../platform-label';
import type { Inbox, ListeningItem, Ticket } from '../../db/entities';
import { inboxRepository } from '../../db/repositories/inbox.repository';
import { listeningItemRepository } from '../../db/repositories/listening-item.repository';
import { listeningStreamRepository } from '../../db/repositories/listening-stream.repository';
import { ticketEventRepository, type Actor } from '../../db/repositories/ticket-event.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import { AppError, ConflictError, NotFoundError } from '../../errors';
import type { Services } from '../../services';
import { listenedRawItem } from '../listened-post';
import { mastodonLocalStatusId } from '../mastodon-local-status';

// Who turned the post into a ticket: an agent from the listening view, or a rule (the
// auto-ticket thresholds; its name reads after "by": "stream “Brand”'s rule: reach ≥ 10,000"),
// named on the ticket either way.
export type ConvertBy = { kind: 'agent'; agentId: number } | { kind: 'rule'; name: string };

export class NoReplyInboxError extends AppError {
  constructor(platform: string) {
    super(409, 'no_reply_inbox', `No ${platformLabel(platform)} inbox can answer this post: add one under Admin → Inboxes, or choose one on the stream.`);
  }
}

// The inbox whose account answers the post: the one its first stream names, else the first
// inbox of the post's platform.
async function replyInboxOf(s: Services, item: ListeningItem): Promise<{ inbox: Inbox; streamBase: string | null }> {
  const [match] = await listeningItemRepository.matchesOf(s.db.m, [item.id]);
  const stream = match ? await listeningStreamRepository.findById(s.db.m, match.streamId) : null;
  const streamBase = stream?.settings?.apiBaseUrl ?? null;
  const chosen = stream?.settings?.inboxId ? await inboxRepository.findById(s.db.m, stream.settings.inboxId) : null;
  if (chosen && chosen.channel === item.platform) return { inbox: chosen, streamBase };
  const [first] = await inboxRepository.listByChannel(s.db.m, item.platform);
  if (!first) throw new NoReplyInboxError(item.platform);
  return { inbox: first, streamBase };
}

// A listened post becomes a public ticket without a reply. It goes through the ingest pipeline
// as the post's mention would (ledger, identity with reach, thread key, ticket commands), so the
// post is one ticket whichever way it came, and a later reply to it threads into that ticket.
// The ticket says why it exists (a 'listened' event: stream, query, agent or rule). Converting
// a post that already is a ticket returns that ticket.
export async function convertItem(s: Services, itemId: number, opts: { by: ConvertBy }): Promise<Ticket> {
  const item = await listeningItemRepository.findById(s.db.m, itemId);
  if (!item) throw new NotFoundError('Listened post');
  let ticketId = item.ticketId;
  if (!ticketId) {
    if (item.status === 'dismissed' || item.status === 'spam') throw new ConflictError(`This post was ${item.status === 'spam' ? 'marked as spam' : 'dismissed'}; it is not turned into a ticket.`);
    const { inbox, streamBase } = await replyInboxOf(s, item);
    const localId = item.platform === 'mastodon' ? await mastodonLocalStatusId(inbox, item, streamBase) : item.externalId;
    const [r] = await s.ingest.ingest(inbox, [listenedRawItem(item, localId)]);
    if (r.state === 'ignored') throw new ConflictError(`This post does not become a ticket: ${r.error ?? 'nothing to store'}.`);
    if (!r.ticketId) throw new Error(`The post could not become a ticket: ${r.error ?? r.state}`);
    ticketId = r.ticketId;
  }
  const matches = await listeningItemRepository.matchesOf(s.db.m, [item.id]);
  const streams = new Map((await listeningStreamRepository.list(s.db.m)).map((x) => [x.id, x.name]));
  const now = s.now();
  const id = ticketId;
  await s.db.transaction(async (tx) => {
    if (await listeningItemRepository.markTicketed(tx.m, item.id, id, now)) tx.emit('listening.item.updated', { itemId: item.id, changes: ['status', 'ticket'] });
    const events = await ticketEventRepository.listByTicket(tx.m, id);
    if (events.some((e) => e.type === 'listened' && e.data?.itemId === item.id)) return;
    const actor: Actor = opts.by.kind === 'agent' ? { type: 'agent', id: opts.by.agentId } : { type: 'system', cause: { kind: 'rule', id: 0, name: opts.by.name } };
    await ticketEventRepository.record(tx.m, id, 'listened', actor, {
      itemId: item.id, platform: item.platform, url: item.url, followers: item.authorFollowers,
      streams: matches.map((x) => ({ id: x.streamId, name: streams.get(x.streamId) ?? null, query: x.query })),
      by: opts.by.kind, rule: opts.by.kind === 'rule' ? opts.by.name : null,
    }, now);
    tx.emit('ticket.updated', { ticketId: id, changes: ['events'] });
  });
  const ticket = await ticketRepository.resolve(s.db.m, id);
  if (!ticket) throw new NotFoundError(`Ticket #${id}`);
  return ticket;
}
