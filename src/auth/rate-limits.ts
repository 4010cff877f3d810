import type { Pool } from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

// Allowances (sign-in failures, web-form posts, sign-in links) counted once for the whole
// cluster: on Postgres every node counts in the same table (rate_limits, made by a migration),
// so adding nodes does not multiply what a guesser may try. SQLite is one node; memory suffices.
export interface RateLimits {
  // Counts one hit; answers the seconds to wait when `max` hits in `windowSec` were already used.
  take(bucket: string, key: string, max: number, windowSec: number): Promise<number | null>;
  // The seconds to wait if `max` hits are used up, without counting one.
  check(bucket: string, key: string, max: number, windowSec: number): Promise<number | null>;
  reset(bucket: string, key: string, max: number, windowSec: number): Promise<void>;
}

// On Postgres, the store's own connection pool (TypeORM's), so no node opens more connections.
export function createRateLimits(store: { pool: Pool } | 'memory'): RateLimits {
  const limiters = new Map<string, RateLimiterAbstract>();
  const limiter = (bucket: string, max: number, windowSec: number) => {
    const id = `${bucket}|${max}|${windowSec}`;
    let l = limiters.get(id);
    if (!l) {
      // The allowance is part of the prefix, so a form whose limit changes starts a fresh count.
      const opts = { keyPrefix: `${bucket}:${max}:${windowSec}`, points: max, duration: windowSec };
      l = store === 'memory'
        ? new RateLimiterMemory(opts)
        : new RateLimiterPostgres({ ...opts, storeClient: store.pool, storeType: 'pool', tableName: 'rate_limits', tableCreated: true, clearExpiredByTimeout: false });
      limiters.set(id, l);
    }
    return l;
  };
  const waitOf = (r: RateLimiterRes) => Math.max(1, Math.ceil(r.msBeforeNext / 1000));
  return {
    async take(bucket, key, max, windowSec) {
      try {
        await limiter(bucket, max, windowSec).consume(key);
        return null;
      } catch (err) {
        if (err instanceof RateLimiterRes) return waitOf(err);
        throw err;
      }
    },
    async check(bucket, key, max, windowSec) {
      const r = await limiter(bucket, max, windowSec).get(key);
      return r && r.consumedPoints >= max ? waitOf(r) : null;
    },
    async reset(bucket, key, max, windowSec) {
      await limiter(bucket, max, windowSec).delete(key);
    },
  };
}
