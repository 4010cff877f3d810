import { listeningItemRepository } from '../db/repositories/listening-item.repository';
import { messageRepository } from '../db/repositories/message.repository';
import type { Services } from '../services';

const SOCIAL = ['mastodon', 'x', 'bluesky'];

// One post, one item: a post a stream found earlier that then arrives as a mention (webhook or
// notification poll) points at the mention's ticket and leaves the new posts.
export function linkMentionsToItems(s: Services): void {
  s.bus.on('message.created', async ({ ticketId, messageId, channel, direction }) => {
    // Most messages are not inbound social posts: those cost no read at all.
    if (direction !== 'inbound' || !SOCIAL.includes(channel)) return;
    const externalId = await messageRepository.externalIdOf(s.db.m, messageId);
    if (!externalId || !(await listeningItemRepository.hasUnticketed(s.db.m, channel, externalId))) return;
    const itemId = await s.db.transaction(async (tx) => {
      const id = await listeningItemRepository.linkTicket(tx.m, channel, externalId, ticketId, s.now());
      if (id) tx.emit('listening.item.updated', { itemId: id, changes: ['ticket'] });
      return id;
    });
    void itemId;
  });
}
