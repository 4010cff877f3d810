import type { Server } from 'socket.io';
import type { Services } from '../services';

export class RedisUnreachableError extends Error {
  constructor(url: string, cause: Error) {
    const where = url.replace(/\/\/[^@/]*@/, '//');
    super(`REDIS_URL ${where} is unreachable (${cause?.message || 'no answer'}); start Redis or unset REDIS_URL to fan out through the database`);
    this.name = 'RedisUnreachableError';
  }
}

// Cross-node fan-out: Redis when REDIS_URL is set, else Postgres LISTEN/NOTIFY when the store
// is Postgres, else (one node on SQLite) socket.io's in-memory adapter.
export async function attachAdapter(s: Services, io: Server): Promise<() => Promise<void>> {
  if (s.config.REDIS_URL) {
    const { createClient } = await import('redis');
    const { createAdapter } = await import('@socket.io/redis-adapter');
    // Until the first connection, a refused or silent server is a start-up error that names
    // the URL; once connected, a lost connection is retried with backoff.
    let connected = false;
    const url = s.config.REDIS_URL;
    const pub = createClient({
      url,
      socket: {
        connectTimeout: 5_000,
        reconnectStrategy: (retries: number, cause: Error) =>
          connected ? Math.min(100 * 2 ** retries, 5_000) : retries >= 2 ? new RedisUnreachableError(url, cause) : 250,
      },
    });
    const sub = pub.duplicate();
    const warn = (err: Error) => connected && s.logger.warn({ err }, 'redis adapter error');
    pub.on('error', warn);
    sub.on('error', warn);
    try {
      await Promise.all([pub.connect(), sub.connect()]);
    } catch (err) {
      for (const c of [pub, sub]) {
        try {
          c.destroy();
        } catch {
          /* never opened */
        }
      }
      throw err instanceof RedisUnreachableError ? err : new RedisUnreachableError(url, err as Error);
    }
    connected = true;
    // Closing: another node's request (fetchSockets, a room check) can still be answered by the
    // adapter after this node began to shut down; its reply is published without being awaited,
    // so a publish on the closed client would be an unhandled rejection. Stop listening first,
    // and let late replies go nowhere.
    let closing = false;
    const publish = pub.publish.bind(pub);
    (pub as { publish: typeof publish }).publish = ((...args: Parameters<typeof publish>) => (closing ? Promise.resolve(0) : publish(...args))) as typeof publish;
    io.adapter(createAdapter(pub, sub, { key: s.config.REDIS_CHANNEL_PREFIX }));
    return async () => {
      closing = true;
      await Promise.allSettled([sub.quit()]);
      await Promise.allSettled([pub.quit()]);
    };
  }
  if (s.config.isPostgres) {
    const { Pool } = await import('pg');
    const { createAdapter } = await import('@socket.io/postgres-adapter');
    const pool = new Pool({ connectionString: s.config.databaseUrl, max: 2 });
    pool.on('error', (err) => s.logger.warn({ err }, 'postgres adapter error'));
    // Its table (socket_io_attachments) is made by a migration.
    io.adapter(createAdapter(pool, { heartbeatInterval: 2000, heartbeatTimeout: 6000 }));
    await listenConnectionReady(io);
    return async () => {
      await pool.end().catch(() => {});
    };
  }
  return async () => {};
}

// The Postgres adapter sets up its LISTEN connection in the background. Until it is up this node
// hears nothing from the others (it would miss the rooms they hold), and an adapter closed before
// it is up never releases that connection, so pool.end() waits for ever: a CLI command, which
// opens and closes Chorus within milliseconds, hung at exit. Start-up waits for it instead.
// (`client.client` is the adapter's pub/sub connection in @socket.io/postgres-adapter 0.5.)
async function listenConnectionReady(io: Server, timeoutMs = 10_000): Promise<void> {
  const pubsub = (io.of('/').adapter as unknown as { client?: { client?: unknown } }).client;
  if (!pubsub || !('channels' in pubsub)) return;
  const deadline = Date.now() + timeoutMs;
  while (!pubsub.client && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
}

