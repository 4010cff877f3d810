import { randomUUID } from 'node:crypto';
import { jobLeaseRepository } from '../db/repositories/job-lease.repository';
import type { Services } from '../services';

// One id per process: two app instances in one test process are two nodes too.
const nodeIds = new WeakMap<Services, string>();
function holderOf(s: Services): string {
  let id = nodeIds.get(s);
  if (!id) nodeIds.set(s, (id = `${process.pid}-${randomUUID().slice(0, 8)}`));
  return id;
}

// A lease outlives a few missed ticks, so a busy holder keeps its job, and a dead holder's
// job moves to another node within about that long.
function leaseMsFor(intervalMs: number): number {
  return Math.max(intervalMs * 3, 15_000);
}

// Runs fn once on this node if it holds (or can take) the job's lease. Returns whether it ran.
// Jobs still make each item's change idempotent (a lease can move mid-run when a node stalls).
export async function runClusterJobOnce(
  s: Services, name: string, fn: (now: number) => Promise<void>, intervalMs = 60_000,
): Promise<boolean> {
  const holder = holderOf(s);
  const now = s.now();
  const held = await s.db.write((m) => jobLeaseRepository.acquire(m, name, holder, now, leaseMsFor(intervalMs)));
  if (!held) return false;
  let error: string | null = null;
  try {
    await fn(now);
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
    s.logger.error({ err, job: name }, 'cluster job failed; will run again next tick');
  }
  await s.db.write((m) => jobLeaseRepository.finished(m, name, holder, s.now(), error)).catch(() => undefined);
  return true;
}

// Runs fn every intervalMs on whichever node holds the job's lease. Nodes started with
// CHORUS_WORKERS=false never run jobs. Ticks never overlap; stop() waits for a running tick
// and hands the lease back.
export function startClusterJob(
  s: Services, name: string, intervalMs: number, fn: (now: number) => Promise<void>,
): () => Promise<void> {
  if (!s.config.CHORUS_WORKERS) return async () => undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;
  const tick = () => {
    if (stopped) return;
    running = runClusterJobOnce(s, name, fn, intervalMs)
      .catch((err) => s.logger.warn({ err, job: name }, 'cluster job lease check failed'))
      .finally(() => {
        running = null;
        schedule(intervalMs);
      });
  };
  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(tick, ms * (0.9 + Math.random() * 0.2));
    timer.unref();
  };
  schedule(Math.min(intervalMs, 1000));
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await running;
    await s.db.write((m) => jobLeaseRepository.release(m, name, holderOf(s))).catch(() => undefined);
  };
}
