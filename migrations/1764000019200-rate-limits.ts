import { MigrationInterface, QueryRunner } from 'typeorm';

// Cluster-wide rate-limit counters (src/auth/rate-limits.ts), in the shape the limiter library
// reads. Postgres only: a SQLite Chorus is one node and counts in memory.
export class RateLimits1764000019200 implements MigrationInterface {
  name = 'RateLimits1764000019200';

  async up(q: QueryRunner): Promise<void> {
    if (q.connection.driver.options.type !== 'postgres') return;
    await q.query('CREATE TABLE IF NOT EXISTS rate_limits (key varchar(255) PRIMARY KEY, points integer NOT NULL DEFAULT 0, expire bigint)');
  }

  async down(q: QueryRunner): Promise<void> {
    if (q.connection.driver.options.type !== 'postgres') return;
    await q.query('DROP TABLE IF EXISTS rate_limits');
  }
}
