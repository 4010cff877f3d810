import type { DataSource, EntityManager } from 'typeorm';
import { reportSettleRepository } from '../db/repositories/report-settle.repository';
import { onFactsToSettle } from '../db/repositories/report-settle-signal';
import type { Db } from '../db/transaction';
import { startClusterJob } from '../jobs/cluster-job';
import type { Services } from '../services';

// The ticket commands only insert their facts; settling them (touch links, daily rollups,
// outcome rows) costs about the same for a thousand facts as for one, so it runs here, for
// everything written since the last time: shortly after a change, before any report is read,
// and once a minute on one node for what a stopped node left.
const BATCH = 2_000;
const DELAY_MS = 250;

export function settleFacts(db: Db): Promise<number> {
  return settleAll((fn) => db.transaction(({ m }) => fn(m)));
}

// The same for a bare DataSource (the CLI's archive commands, which run beside the server).
export function settleFactsIn(ds: DataSource): Promise<number> {
  return settleAll((fn) => ds.transaction(fn));
}

// Waits out a busy lock (another settler, a merge deleting facts: short transactions) for a
// while; a report read then counts what was settled by the other settler too.
const BUSY_RETRY_MS = 20;
const BUSY_TRIES = 150;

async function settleAll(inTransaction: (fn: (m: EntityManager) => Promise<number | null>) => Promise<number | null>): Promise<number> {
  let total = 0;
  for (let busy = 0; ;) {
    const n = await inTransaction((m) => reportSettleRepository.settleBatch(m, BATCH));
    if (n === null) {
      if (++busy >= BUSY_TRIES) return total;
      await new Promise((r) => setTimeout(r, BUSY_RETRY_MS));
      continue;
    }
    total += n;
    if (n < BATCH) return total;
  }
}

// This node settles what it wrote DELAY_MS after the first change that wrote facts (not reset
// by later ones, so a steady stream of changes still settles every DELAY_MS).
export function startSettler(s: Services): () => Promise<void> {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  const run = () => {
    timer = null;
    if (running) {
      again = true;
      return;
    }
    running = settleFacts(s.db)
      .then(() => undefined, (err) => s.logger.warn({ err }, 'settling report facts failed; the next change or report read retries'))
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          schedule();
        }
      });
  };
  const schedule = () => {
    if (stopped || timer) return;
    timer = setTimeout(run, DELAY_MS);
    timer.unref();
  };
  onFactsToSettle(s.db.ds, schedule);
  const stopJob = startClusterJob(s, 'reports.settle', 60_000, async () => {
    await settleFacts(s.db);
  });
  return async () => {
    stopped = true;
    onFactsToSettle(s.db.ds, null);
    if (timer) clearTimeout(timer);
    await running;
    await stopJob();
  };
}
