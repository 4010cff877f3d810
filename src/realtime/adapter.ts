import type { Server } from 'socket.io';
import type { Services } from '../services';

// Cross-node fan-out: Redis when REDIS_URL is set, else Postgres LISTEN/NOTIFY when the store
// is Postgres, else (one node on SQLite) socket.io's in-memory adapter.
export async function attachAdapter(s: Services, io: Server): Promise<() => Promise<void>> {
  if (s.config.REDIS_URL) {
    const { createClient } = await import('redis');
    const { createAdapter } = await import('@socket.io/redis-adapter');
    const pub = createClient({ url: s.config.REDIS_URL });
    const sub = pub.duplicate();
    pub.on('error', (err) => s.logger.warn({ err }, 'redis adapter error'));
    sub.on('error', (err) => s.logger.warn({ err }, 'redis adapter error'));
    await Promise.all([pub.connect(), sub.connect()]);
    io.adapter(createAdapter(pub, sub));
    return async () => {
      await Promise.allSettled([pub.quit(), sub.quit()]);
    };
  }
  if (s.config.isPostgres) {
    const { Pool } = await import('pg');
    const { createAdapter } = await import('@socket.io/postgres-adapter');
    const pool = new Pool({ connectionString: s.config.databaseUrl, max: 2 });
    pool.on('error', (err) => s.logger.warn({ err }, 'postgres adapter error'));
    await pool.query(`CREATE TABLE IF NOT EXISTS socket_io_attachments (id bigserial UNIQUE, created_at timestamptz DEFAULT NOW(), payload bytea)`);
    io.adapter(createAdapter(pool, { heartbeatInterval: 2000, heartbeatTimeout: 6000 }));
    return async () => {
      await pool.end().catch(() => {});
    };
  }
  return async () => {};
}
