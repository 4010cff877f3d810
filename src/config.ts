import fs from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { z } from 'zod';

// Every setting is an environment variable; a `.env` file in the working directory is read
// first when present. Bad values stop the start with one line per problem.
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const port = z.coerce.number().int().min(0).max(65535);

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: port.default(3000),
  HOST: z.string().default('0.0.0.0'),
  CHORUS_PUBLIC_URL: z.url().optional(),
  CHORUS_DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^(postgres(ql)?:\/\/|sqlite:)/, 'must start with postgres:// or sqlite:')
    .optional(),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must start with redis://').optional(),
  // The Redis channels' prefix: clusters sharing one Redis (pub/sub ignores the database number)
  // each need their own; every node of one cluster uses the same.
  REDIS_CHANNEL_PREFIX: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be 1-64 letters, digits or _ . : -').default('socket.io'),
  CHORUS_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  CHORUS_ADMIN_EMAIL: z.email().optional(),
  CHORUS_ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  CHORUS_SMTP_PORT: port.default(2525),
  CHORUS_SMTP_ENABLED: bool.default(true),
  CHORUS_SMTP_MAX_BYTES: z.coerce.number().int().positive().default(25 * 1024 * 1024),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').optional(),
  CHORUS_MAIL_FROM: z.string().optional(),
  // How long an outgoing send may wait on its destination (SMTP connect, greeting and silence; an
  // HTTP callback or platform request) before it is retried later.
  CHORUS_SEND_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  // How often each node's outbox worker looks for due deliveries by itself: rows another node
  // queued, retries whose backoff ran out. This node's own commits that queue rows poke it at once.
  CHORUS_OUTBOX_POLL_MS: z.coerce.number().int().min(20).default(1000),
  // Outgoing webhooks to loopback, private, link-local and other non-public addresses are refused
  // (a URL an admin types must not reach into the server's own network) unless this is set.
  CHORUS_WEBHOOKS_ALLOW_PRIVATE: bool.default(false),
  CHORUS_API_MAX_BYTES: z.coerce.number().int().positive().default(10 * 1024 * 1024),
  CHORUS_WORKERS: bool.default(true),
  // How often the cluster sends satisfaction surveys whose delay has run out.
  CHORUS_CSAT_SWEEP_MS: z.coerce.number().int().min(100).default(30_000),
  // A ledger row claimed longer ago than this (a crashed worker's) is taken over by any node;
  // every node must use the same value. The sweep looks for such rows this often.
  CHORUS_INGEST_LEASE_MS: z.coerce.number().int().min(200).default(30_000),
  CHORUS_INGEST_SWEEP_MS: z.coerce.number().int().min(20).default(5_000),
  // How often (once per cluster) snoozed tickets whose time came are woken and solved tickets
  // past their inbox's auto-close days are closed.
  CHORUS_TICKET_SWEEP_MS: z.coerce.number().int().min(20).default(15_000),
  // How often (once per cluster) the kept inbox counts are recounted from the tickets and fixed.
  CHORUS_COUNT_RECONCILE_MS: z.coerce.number().int().min(20).default(3_600_000),
  // SQLite only: how often a worker thread copies the write-ahead log into the database file
  // (off the event loop); 0 leaves it to SQLite inside commits, every 1,000 pages of log.
  CHORUS_SQLITE_CHECKPOINT_MS: z.coerce.number().int().min(0).max(60_000).default(250),
  // SQLite only: how many waiting writes commit together at most (group commit); 1 commits each alone.
  CHORUS_SQLITE_GROUP_MAX: z.coerce.number().int().min(1).max(1000).default(32),
  // How often (once per cluster) retention policies are applied: daily by default.
  CHORUS_RETENTION_SWEEP_MS: z.coerce.number().int().min(1000).default(86_400_000),
  // The loop guard: at most this many automatic (rule) actions per ticket per hour.
  CHORUS_AUTOMATION_ACTIONS_PER_HOUR: z.coerce.number().int().min(1).max(10_000).default(20),
  // How often the once-per-cluster sweep runs time rules (pending for N hours, solved for N days…).
  CHORUS_AUTOMATION_SWEEP_MS: z.coerce.number().int().min(20).default(60_000),
  // When set, GET /metrics answers only `Authorization: Bearer <token>`.
  CHORUS_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = z.infer<typeof configSchema> & {
  databaseUrl: string;
  publicUrl: string;
  secret: string;
  isPostgres: boolean;
};

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Chorus cannot start, the configuration has ${problems.length} problem(s):\n` +
      problems.map((p) => `  - ${p}`).join('\n'));
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, opts: { readDotEnv?: boolean } = {}): Config {
  const merged: Record<string, string | undefined> = {};
  if (opts.readDotEnv !== false && fs.existsSync('.env')) {
    Object.assign(merged, dotenv.parse(fs.readFileSync('.env')));
  }
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') merged[k] = v;
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message} (got ${JSON.stringify(merged[String(i.path[0])])})`),
    );
  }
  const c = parsed.data;
  const dataDir = path.resolve(c.CHORUS_DATA_DIR);
  const databaseUrl = c.DATABASE_URL ?? `sqlite:${path.join(dataDir, 'chorus.sqlite')}`;
  const secret = c.CHORUS_SECRET ?? loadOrCreateSecret(dataDir, databaseUrl);
  return {
    ...c,
    CHORUS_DATA_DIR: dataDir,
    databaseUrl,
    isPostgres: databaseUrl.startsWith('postgres'),
    publicUrl: (c.CHORUS_PUBLIC_URL ?? `http://localhost:${c.PORT}`).replace(/\/$/, ''),
    secret,
  };
}

// Without CHORUS_SECRET a single node keeps a generated secret next to its data, so reply
// tokens and sessions survive restarts. Several nodes must share CHORUS_SECRET.
function loadOrCreateSecret(dataDir: string, databaseUrl: string): string {
  if (databaseUrl.startsWith('postgres')) {
    throw new ConfigError(['CHORUS_SECRET: required when DATABASE_URL points at Postgres, so all nodes share it']);
  }
  const file = path.join(dataDir, 'secret');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  fs.mkdirSync(dataDir, { recursive: true });
  const secret = require('node:crypto').randomBytes(32).toString('hex');
  fs.writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
