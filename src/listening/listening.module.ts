import { startClusterJob } from '../jobs/cluster-job';
import { applyAutoTicketRules, sweepAutoTickets } from './auto-ticket';
import type { ChorusModule } from '../module';
import { linkMentionsToItems } from './link-mentions';
import { LISTENED_RAW_TYPE, parseListenedPost } from './listened-post';
import { pollDueStreams } from './poll-stream';
import { listeningViewRoutes } from './listening-view.routes';
import { triageRoutes } from './triage.routes';
import { streamsApiRoutes } from './streams.routes';
import { streamsPageRoutes } from './streams-pages.routes';

// Social listening: streams poll platforms' public search once per cluster; what they find
// are listening items (not tickets) until an agent or a rule turns them into one.
export const listeningModule: ChorusModule = {
  name: 'listening',
  register(s) {
    linkMentionsToItems(s);
    // Auto-ticket rules run after the poll's commit, on the node that stored the post (a post
    // found again by a stream with a rule counts too); the cluster job sweeps what was missed.
    s.bus.on('listening.item.created', (e) => applyAutoTicketRules(s, e.itemId).then(() => undefined));
    s.bus.on('listening.item.updated', (e) => (e.changes.includes('matches') ? applyAutoTicketRules(s, e.itemId).then(() => undefined) : undefined));
    // A post an agent or rule turns into a ticket enters the ingest pipeline as its mention would.
    s.parsers.register({ channels: ['mastodon', 'x', 'bluesky'], parsers: { [LISTENED_RAW_TYPE]: parseListenedPost } });
  },
  routes(r, s) {
    streamsApiRoutes(r, s);
    streamsPageRoutes(r, s);
    listeningViewRoutes(r, s);
    triageRoutes(r, s);
  },
  async start(s) {
    return startClusterJob(s, 'listening.poll', 5_000, async (now) => {
      await pollDueStreams(s, now);
      await sweepAutoTickets(s, now);
    });
  },
};
