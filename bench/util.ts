import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrations } from '../migrations';
import { openDatabase } from '../src/db/data-source';
import http from 'node:http';

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function envInt(name: string, dflt: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be a whole number from ${min} to ${max} (got ${JSON.stringify(raw)})`);
  return n;
}

// Sends `count` POSTs with `concurrency` in flight over keep-alive connections; returns requests per second.
export async function blast(port: number, path: string, bodies: (i: number) => { raw: string; headers: Record<string, string> }, count: number, concurrency: number): Promise<{ rps: number; failures: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  let next = 0;
  let failures = 0;
  const one = (i: number) =>
    new Promise<void>((resolve) => {
      const { raw, headers } = bodies(i);
      const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(raw), ...headers } }, (res) => {
        if ((res.statusCode ?? 500) >= 300) failures++;
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', () => {
        failures++;
        resolve();
      });
      req.end(raw);
    });
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) await one(next++);
  }));
  const secs = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  return { rps: count / secs, failures };
}

// A SQLite file made by Chorus's migrations and filled by `fill` with bulk inserts (seeding
// through the API would take hours). Cached in the temp dir by name and schema version.
export async function seededFile(name: string, fill: (db: Database.Database) => void): Promise<string> {
  const file = path.join(os.tmpdir(), `chorus-bench-${name}-m${migrations.length}.sqlite`);
  if (fs.existsSync(file)) return file;
  const tmp = `${file}.building`;
  fs.rmSync(tmp, { force: true });
  const ds = await openDatabase(`sqlite:${tmp}`);
  await ds.destroy();
  const db = new Database(tmp);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  fill(db);
  db.exec('ANALYZE');
  db.close();
  fs.renameSync(tmp, file);
  for (const ext of ['-wal', '-shm']) fs.rmSync(tmp + ext, { force: true });
  return file;
}

export interface Timing {
  p50: number;
  p99: number;
}

// Runs `fn` `warmup` times untimed, then `rounds` times timed; milliseconds at p50 and p99.
export async function timeRounds(fn: () => unknown, rounds: number, warmup: number): Promise<Timing> {
  const out: number[] = [];
  for (let i = 0; i < warmup; i++) await fn();
  for (let i = 0; i < rounds; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    out.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  out.sort((a, b) => a - b);
  return { p50: percentile(out, 50), p99: percentile(out, 99) };
}

// Settings of the store a bench may pass through from its own environment, to compare the two
// ways in one checkout (e.g. CHORUS_SQLITE_CHECKPOINT_MS=0 for SQLite's own checkpoints,
// CHORUS_SQLITE_GROUP_MAX=1 for one commit per write).
export function storeEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ['CHORUS_SQLITE_CHECKPOINT_MS', 'CHORUS_SQLITE_GROUP_MAX']) if (process.env[k] !== undefined) out[k] = process.env[k]!;
  return out;
}

// With BENCH_CPU_PROFILE=<dir>, records a CPU profile of `fn` alone (not start-up, seeding or
// the bare run) to <dir>/<name>.cpuprofile, for `--cpu-prof`-style reading of one figure.
export async function profiled<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const dir = process.env.BENCH_CPU_PROFILE;
  if (!dir) return fn();
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}
