import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import type { DataSource } from 'typeorm';
import { createChorus } from '../src/app';
import { hmacHex } from '../src/channels/signature';
import { loadConfig } from '../src/config';
import { createInbox } from '../src/inboxes/create-inbox';
import { createLogger } from '../src/logger';
import { blast, envInt, profiled, storeEnv } from './util';

// Tickets created per second through the signed API channel (ledger, pipeline, contact,
// ticket, message, events) beside bare express answering the same requests. After a warm-up of
// each, the two take turns in `BENCH_TURNS` rounds and the ratio is of their summed times, so a
// machine that slows for a while slows both sides instead of one.
export async function benchApiIngest() {
  const count = envInt('BENCH_POSTS', 3000, 100, 1_000_000);
  const rounds = envInt('BENCH_TURNS', 3, 1, 20);
  const per = Math.ceil(count / rounds);
  const concurrency = 16;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chorus-bench-api-'));
  const config = loadConfig({ CHORUS_DATA_DIR: dir, CHORUS_SECRET: 'bench-secret-0123456789', CHORUS_SMTP_ENABLED: 'false', LOG_LEVEL: 'silent', NODE_ENV: 'production', ...storeEnv() }, { readDotEnv: false });
  const chorus = await createChorus(config, { logger: createLogger('silent') });
  const port = await chorus.listen(0, '127.0.0.1');
  const inbox = await createInbox(chorus.s.db, Date.now(), { name: 'bench', channel: 'api' });
  const body = (i: number) => {
    const raw = JSON.stringify({ externalId: `b-${i}`, author: { id: `u-${i}`, name: `Customer ${i}` }, subject: `Question ${i}`, text: `Hello, this is question number ${i}. `.repeat(4) });
    return { raw, headers: { 'x-chorus-signature': `sha256=${hmacHex(inbox.secret, Buffer.from(raw))}` } };
  };
  const ourPath = `/api/inboxes/${inbox.id}/messages`;

  const bare = express();
  bare.post('/api/inboxes/:id/messages', express.json({ limit: '10mb' }), (req, res) => {
    res.status(202).json({ ok: true, key: req.body.externalId });
  });
  const server = bare.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const barePort = (server.address() as { port: number }).port;

  // Both sides warmed first (untimed): bare express answers its first thousand posts at well
  // under half its later rate while the JIT compiles it and the load generator.
  const warm = envInt('BENCH_WARMUP', 500, 0, 100_000);
  await blast(barePort, '/api/inboxes/1/messages', (i) => body(-1 - i), warm, concurrency);
  await blast(port, ourPath, (i) => body(-1 - i), warm, concurrency);
  const ours = { secs: 0, cpuMs: 0, failures: 0 };
  const theirs = { secs: 0, cpuMs: 0 };
  const roundRatios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const from = r * per;
    const b = await timedBlast(() => blast(barePort, '/api/inboxes/1/messages', (i) => body(from + i), per, concurrency));
    const o = await profiled(rounds > 1 ? `api-${r + 1}` : 'api', () => timedBlast(() => blast(port, ourPath, (i) => body(from + i), per, concurrency)));
    theirs.secs += b.secs;
    theirs.cpuMs += b.cpuMs;
    ours.secs += o.secs;
    ours.cpuMs += o.cpuMs;
    ours.failures += o.failures;
    roundRatios.push(b.secs / o.secs);
  }
  // Statements, commits and SQLite time per post come from a further pass after the timed
  // rounds: the counters wrap every statement, and their cost would be Chorus's alone.
  const extra = Math.min(500, per);
  const counted = countStatements(chorus.s.db.ds);
  await blast(port, ourPath, (i) => body(rounds * per + i), extra, concurrency);
  const perPost = { statements: counted.statements / extra, commits: counted.commits / extra, sqliteMs: counted.sqliteMs / extra };
  await chorus.close();
  server.close();
  fs.rmSync(dir, { recursive: true, force: true });
  const total = rounds * per;
  return {
    count: total, rounds, concurrency, oursRps: total / ours.secs, oursFailures: ours.failures, bareRps: total / theirs.secs,
    ratio: theirs.secs / ours.secs, roundRatios, perPost, oursCpuMs: ours.cpuMs / total, bareCpuMs: theirs.cpuMs / total,
  };
}

// One load run's wall time and this process's CPU in it.
async function timedBlast(run: () => Promise<{ rps: number; failures: number }>): Promise<{ secs: number; cpuMs: number; failures: number }> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const { failures } = await run();
  return { secs: (performance.now() - t0) / 1000, cpuMs: cpuMs(cpu0), failures };
}

// CPU of this process (user + system) since `from`, in ms; the load generator runs in it too,
// for Chorus and for bare express alike.
function cpuMs(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
}

// Counts the SQL statements and commits the store runs from now on (better-sqlite3 has one
// query runner, so wrapping its query sees every statement, BEGIN and COMMIT included). A write
// outside any transaction commits on its own and counts as a commit too; savepoints count as
// statements.
// `sqliteMs`: time spent inside SQLite itself (better-sqlite3 runs each statement synchronously,
// so timing the call is timing the engine), COMMIT included; 0 on Postgres.
// Reads a repository runs on the connection itself (readNowOnSqlite) are counted from the
// statement wrapper: a statement that is not in TypeORM's own cache did not go through its query.
export function countStatements(ds: DataSource, ignore?: RegExp): { statements: number; commits: number; sqliteMs: number } {
  const c = { statements: 0, commits: 0, sqliteMs: 0 };
  const runner = ds.createQueryRunner();
  const typeormStatements = (runner as unknown as { stmtCache?: Map<string, object> }).stmtCache;
  timeSqliteInto(ds, c, ignore, typeormStatements && ((st) => typeormStatements.get(st.source) !== st));
  let open = false;
  const query = runner.query.bind(runner) as (...args: unknown[]) => Promise<unknown>;
  runner.query = ((sql: string, ...rest: unknown[]) => {
    if (ignore?.test(sql)) return query(sql, ...rest);
    if (/^BEGIN/i.test(sql)) open = true;
    else if (/^(COMMIT|ROLLBACK)/i.test(sql)) {
      if (/^COMMIT/i.test(sql)) c.commits++;
      open = false;
    } else {
      c.statements++;
      if (!open && !/^\s*SELECT/i.test(sql)) c.commits++;
    }
    return query(sql, ...rest);
  }) as typeof runner.query;
  return c;
}

// Wraps the prepared-statement methods of better-sqlite3 (its Statement prototype, so statements
// TypeORM prepared and cached before count too) once; each statement's time goes to the counters
// of its own connection, unless its SQL matches that counter's `ignore`.
type Sink = { c: { sqliteMs: number; statements: number }; ignore?: RegExp; direct?: (st: { source: string }) => boolean };
const sinks = new WeakMap<object, Sink[]>();

function timeSqliteInto(ds: DataSource, c: Sink['c'], ignore?: RegExp, direct?: Sink['direct']): void {
  const raw = (ds.driver as unknown as { databaseConnection?: { prepare(sql: string): object } }).databaseConnection;
  if (ds.options.type !== 'better-sqlite3' || !raw) return;
  sinks.set(raw, [...(sinks.get(raw) ?? []), { c, ignore, direct }]);
  const proto = Object.getPrototypeOf(raw.prepare('SELECT 1')) as Record<string, unknown>;
  for (const name of ['run', 'get', 'all', 'iterate']) {
    const orig = proto[name] as ((...a: unknown[]) => unknown) & { timed?: boolean };
    if (orig.timed) continue;
    // Kept cheap, since it runs around every statement of the run it measures: a float clock
    // (hrtime.bigint allocated two BigInts per statement, 3.5 % of an API run) and no rest array.
    const timed = function (this: { database: object; source: string }) {
      const t0 = performance.now();
      try {
        // eslint-disable-next-line prefer-rest-params
        return orig.apply(this, arguments as unknown as unknown[]);
      } finally {
        const ms = performance.now() - t0;
        const list = sinks.get(this.database);
        if (list) {
          for (const sink of list) {
            if (sink.ignore?.test(this.source)) continue;
            sink.c.sqliteMs += ms;
            if (sink.direct?.(this)) sink.c.statements++;
          }
        }
      }
    };
    proto[name] = Object.assign(timed, { timed: true });
  }
}
