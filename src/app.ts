import type { Pool } from 'pg';
import http from 'node:http';
import path from 'node:path';
import cookieParser from 'cookie-parser';
import express from 'express';
import { engine } from 'express-handlebars';
import { createRateLimits } from './auth/rate-limits';
import { hashToken, newToken } from './auth/secrets';
import { SessionService } from './auth/session.service';
import type { Config } from './config';
import { createAgent } from './agents/create-agent';
import { groupCommitOf } from './db/sqlite-group-commit';
import { checkpointBeside, openDatabase } from './db/data-source';
import type { Checkpointer } from './db/sqlite-checkpointer';
import { agentRepository } from './db/repositories/agent.repository';
import { sessionRepository } from './db/repositories/session.repository';
import { Db } from './db/transaction';
import { EventBus } from './events/bus';
import { authenticate } from './http/middleware/authenticate';
import { errorHandler, lastResort } from './http/middleware/errors';
import { adminRoutes } from './http/routes/admin.routes';
import { attachmentsRoutes } from './http/routes/attachments.routes';
import { authRoutes } from './http/routes/auth.routes';
import { contactsRoutes } from './http/routes/contacts.routes';
import { inboxesRoutes } from './http/routes/inboxes.routes';
import { openApiRoutes } from './http/routes/openapi.routes';
import { opsRoutes } from './http/routes/ops.routes';
import { pagesRoutes } from './http/routes/pages.routes';
import { ticketsRoutes } from './http/routes/tickets.routes';
import { searchRoutes } from './search/search.routes';
import { IngestPipeline } from './ingest/pipeline';
import { ParserRegistry } from './ingest/parser-registry';
import { RecoverySweeper } from './ingest/recovery-sweeper';
import { createLogger, type Logger } from './logger';
import { Metrics } from './ops/metrics';
import { OutboundRouter } from './outbox/outbound-router';
import { OutboxWorker } from './outbox/outbox-worker';
import { startSocketServer } from './realtime/socket-server';
import type { Services } from './services';
import { ROOT } from './paths';
import { NotFoundError } from './errors';
import { handlebarsHelpers } from './http/view-helpers';
import { pageLocals } from './http/middleware/page-locals';
import type { ChorusModule } from './module';
import { modules as defaultModules } from './modules';
import { keepTicketCounts } from './tickets/kept-counts';

export { ROOT };

export interface Chorus {
  s: Services;
  app: express.Express;
  server: http.Server;
  listen(port?: number, host?: string): Promise<number>;
  close(): Promise<void>;
  // A first-run setup link, when no agent exists yet and none was configured.
  setupUrl: string | null;
  // SQLite's log checkpointed beside the event loop (null on Postgres or when switched off).
  checkpointer: Checkpointer | null;
}

// Builds one Chorus node: database (migrated), services, HTTP + socket.io, background workers.
export async function createChorus(config: Config, opts: { logger?: Logger; now?: () => number; modules?: ChorusModule[] } = {}): Promise<Chorus> {
  const logger = opts.logger ?? createLogger(config.LOG_LEVEL);
  const now = opts.now ?? Date.now;
  const ds = await openDatabase(config.databaseUrl);
  const checkpointer = checkpointBeside(ds, config.CHORUS_SQLITE_CHECKPOINT_MS, (message) => logger.warn({ message }, 'SQLite checkpoint failed; SQLite checkpoints inside commits meanwhile'));
  const bus = new EventBus();
  bus.onError = (err, event) => logger.error({ err, event }, 'event handler failed');
  const db = new Db(ds, bus);
  if (db.kind === 'sqlite') groupCommitOf(ds, config.CHORUS_SQLITE_GROUP_MAX);
  keepTicketCounts(db);
  const metrics = new Metrics();
  const parsers = new ParserRegistry();
  const ingest = new IngestPipeline({ db, parsers, secret: config.secret, logger, now, leaseMs: config.CHORUS_INGEST_LEASE_MS, onOutcome: (channel, outcome) => metrics.ingest.inc({ channel, outcome }) });
  const outbound = new OutboundRouter();
  const outbox = new OutboxWorker(db, logger, metrics, now, { sendTimeoutMs: config.CHORUS_SEND_TIMEOUT_MS, pollMs: config.CHORUS_OUTBOX_POLL_MS });
  const s: Services = {
    config, db, bus, logger, parsers, ingest, outbound, outbox, metrics, now,
    sessions: new SessionService(db, now),
    rateLimits: createRateLimits(db.kind === 'postgres' ? { pool: (ds.driver as unknown as { master: Pool }).master } : 'memory'),
    commands: { db, outbound, now },
  };
  const modules = opts.modules ?? defaultModules;
  for (const mod of modules) mod.register?.(s);

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.engine('hbs', engine({ extname: '.hbs', defaultLayout: 'main', layoutsDir: path.join(ROOT, 'views/layouts'), partialsDir: path.join(ROOT, 'views/partials'), helpers: handlebarsHelpers }));
  app.set('view engine', 'hbs');
  app.set('views', path.join(ROOT, 'views'));
  // Compiled templates are kept except in development (where an edited view shows on reload).
  // Express would decide from process.env.NODE_ENV, which a .env file or the config never sets:
  // every page then read and compiled each template and partial again, most of its CPU.
  app.set('view cache', config.NODE_ENV !== 'development');
  app.use('/static', express.static(path.join(ROOT, 'public'), { maxAge: '1h' }));
  app.use((req, res, next) => {
    const end = metrics.http.startTimer({ method: req.method });
    res.on('finish', () => end({ route: req.route?.path ?? 'unmatched', status: String(res.statusCode) }));
    next();
  });
  app.use(cookieParser());
  app.use(authenticate(s));
  app.use(pageLocals(s));
  const router = express.Router();
  for (const mount of [opsRoutes, authRoutes, openApiRoutes, ticketsRoutes, contactsRoutes, inboxesRoutes, adminRoutes, attachmentsRoutes, searchRoutes, pagesRoutes]) mount(router, s);
  for (const mod of modules) mod.routes?.(router, s);
  app.use(router);
  app.use((req, _res, next) => next(new NotFoundError(`${req.method} ${req.path}`)));
  app.use(errorHandler(s));
  app.use(lastResort(s));

  const server = http.createServer(app);
  // Idle keep-alive connections stay open longer than clients and load balancers keep theirs
  // (fetch: 4 s, most balancers: 60 s), so the client always closes first. With the server
  // closing first, a request sent just as it closes fails with "other side closed" — which a busy
  // machine made frequent in the suite.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const sockets = await startSocketServer(s, server);
  s.io = sockets.io;

  const setupUrl = await ensureFirstAdmin(s);
  const stoppers: (() => Promise<void>)[] = [];
  const sweeper = new RecoverySweeper(ingest, logger, config.CHORUS_INGEST_SWEEP_MS);
  s.sweeper = sweeper;
  for (const mod of modules) {
    const stop = await mod.start?.(s);
    if (stop) stoppers.push(stop);
  }
  if (config.CHORUS_WORKERS) {
    outbox.start();
    sweeper.start();
  }

  let closed = false;
  return {
    s, app, server, setupUrl, checkpointer,
    listen: (port = config.PORT, host = config.HOST) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve((server.address() as { port: number }).port));
      }),
    close: async () => {
      if (closed) return;
      closed = true;
      // Each step gets a deadline: a stuck one is named in the log and the shutdown goes on, so
      // stopping a node (or a test's Chorus) is bounded. Connections still open after the
      // server's step are cut, as a process exit would.
      const step = (name: string, run: () => Promise<unknown>, ms = 5_000) => withinDeadline(run, ms, () => logger.warn({ step: name, ms }, 'shutdown step did not finish in time; going on'));
      await step('sweeper', () => sweeper.stop());
      for (const stop of stoppers.reverse()) await step('module', () => stop().catch((err) => logger.warn({ err }, 'module stop failed')));
      await step('outbox', () => outbox.stop());
      await step('sockets', () => sockets.close());
      await step('http', () => new Promise<void>((r) => (server.listening ? server.close(() => r()) : r())));
      server.closeAllConnections();
      await step('event handlers', () => bus.drain());
      await step('checkpointer', async () => checkpointer?.stop());
      await step('database', () => ds.destroy(), 10_000);
    },
  };
}

// CHORUS_ADMIN_EMAIL/PASSWORD create the first admin; otherwise, while no agent exists, a
// one-time setup link is made (and printed by main).
async function ensureFirstAdmin(s: Services): Promise<string | null> {
  const { config } = s;
  if ((await agentRepository.count(s.db.m)) > 0) return null;
  if (config.CHORUS_ADMIN_EMAIL && config.CHORUS_ADMIN_PASSWORD) {
    try {
      await createAgent(s.db, s.now(), { email: config.CHORUS_ADMIN_EMAIL, name: 'Admin', password: config.CHORUS_ADMIN_PASSWORD, role: 'admin' });
    } catch (err) {
      if (!(await agentRepository.findByEmail(s.db.m, config.CHORUS_ADMIN_EMAIL))) throw err;
    }
    return null;
  }
  const token = newToken();
  await s.db.write((m) => sessionRepository.insertOneTime(m, { tokenHash: hashToken(token), purpose: 'setup', subject: null, expiresAt: s.now() + 86_400_000, usedAt: null, createdAt: s.now() }));
  return `${config.publicUrl}/setup?token=${token}`;
}

// Waits for `run`, or for `ms`, whichever comes first (then calls `late`; `run` goes on unawaited).
async function withinDeadline(run: () => Promise<unknown>, ms: number, late: () => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      late();
      resolve();
    }, ms);
  });
  const work = run();
  // Still failing after the deadline is nobody's to handle: it is not left unhandled.
  work.catch(() => undefined);
  try {
    await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
