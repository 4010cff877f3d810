import type { Server as IoServer } from 'socket.io';
import type { ClusterRooms } from './realtime/cluster-rooms';
import type { LiveFeed } from './command-centre/live-feed';
import type { SessionService } from './auth/session.service';
import type { RateLimits } from './auth/rate-limits';
import type { Config } from './config';
import type { Db } from './db/transaction';
import type { EventBus } from './events/bus';
import type { IngestPipeline } from './ingest/pipeline';
import type { ParserRegistry } from './ingest/parser-registry';
import type { RecoverySweeper } from './ingest/recovery-sweeper';
import type { Logger } from './logger';
import type { Metrics } from './ops/metrics';
import type { OutboundRouter } from './outbox/outbound-router';
import type { OutboxWorker } from './outbox/outbox-worker';
import type { CommandDeps } from './tickets/commands/command-deps';

// Everything a route, socket handler, worker or CLI command needs, built once in app.ts.
export interface Services {
  config: Config;
  db: Db;
  bus: EventBus;
  logger: Logger;
  parsers: ParserRegistry;
  ingest: IngestPipeline;
  outbound: OutboundRouter;
  outbox: OutboxWorker;
  sessions: SessionService;
  // Cluster-wide allowances: sign-in failures, web-form posts, sign-in links.
  rateLimits: RateLimits;
  metrics: Metrics;
  commands: CommandDeps;
  io?: IoServer;
  // The command centre's coalesced refreshes (set with io).
  liveFeed?: LiveFeed;
  // Which socket rooms have a member on some node of the cluster (set with io).
  roomsInUse?: ClusterRooms;
  // Continuous ingest recovery; set once the node is built.
  sweeper?: RecoverySweeper;
  now: () => number;
}
