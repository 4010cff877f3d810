import { performance } from 'node:perf_hooks';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import type Database from 'better-sqlite3';
import { referenceCache } from './repositories/reference-cache';
import { sqliteConnectionOf } from './sqlite-connection';

// SQLite has one connection, so every write waits its turn. Whoever is waiting when the
// connection frees up runs in ONE transaction: each queued transaction (or write) in a savepoint
// of its own, one COMMIT for them all. A commit is most of a small write's cost (the log frames,
// FTS5's pending terms flushed as a segment, the same index pages written again), so a busy node
// pays it once per group instead of once per caller. Durability is unchanged: a caller's promise
// settles only after the COMMIT that holds its work. One that throws rolls back to its savepoint
// alone. If the transaction itself is lost (the commit fails, or an error SQLite answers by
// rolling everything back, such as a full disk) every member that ran fails with it
// (GroupLostError), as each would have had its own commit failed; none is run twice, since a
// caller's work around its transaction (an ingest item's context) may not be safe to repeat.
//
// The queue is the write lock too: members run strictly one after another, in arrival order.
export interface GroupStats {
  // Transactions run, and the writes they held.
  groups: number;
  members: number;
  // Groups whose transaction was lost; members that failed (threw, or were lost with a group).
  lost: number;
  failed: number;
  // Members whose transaction was still open when the event loop next turned: they awaited more
  // than queries (a stream, a timer, the thread pool) while holding the write lock, so every
  // writer waited and other requests' reads on the one connection saw their uncommitted writes.
  heldAcrossTurns: number;
}

interface Member {
  // `m` is a manager of its own on the shared runner (per-transaction bookkeeping is keyed by it).
  run: (m: EntityManager) => Promise<unknown>;
  // A plain write runs without a transaction of its own when it is alone.
  plain: boolean;
  // Runs alone from now on (its group could not take the write lock).
  alone?: boolean;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

const groups = new WeakMap<DataSource, SqliteGroupCommit>();

// The one queue of a SQLite DataSource (every Db on it shares it).
export function groupCommitOf(ds: DataSource, max?: number): SqliteGroupCommit {
  let g = groups.get(ds);
  if (!g) groups.set(ds, (g = new SqliteGroupCommit(ds)));
  if (max !== undefined) g.max = max;
  return g;
}

export class SqliteGroupCommit {
  // Members per transaction at most (1: every caller commits alone, as without grouping).
  max = 32;
  // How long a group keeps taking members (ms of work): what grouping may add to an answer.
  budgetMs = 2;
  readonly stats: GroupStats = { groups: 0, members: 0, lost: 0, failed: 0, heldAcrossTurns: 0 };
  private queue: Member[] = [];
  private draining = false;

  constructor(private ds: DataSource) {}

  transaction<T>(fn: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.enqueue(fn, false);
  }

  write<T>(fn: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.enqueue(fn, true);
  }

  private enqueue<T>(fn: (m: EntityManager) => Promise<T>, plain: boolean): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run: fn, plain, resolve: resolve as (v: unknown) => void, reject });
      if (!this.draining) {
        this.draining = true;
        // One turn of the loop first, so callers that became ready together (one HTTP burst, one
        // batch of recorded items) join one group. (Started in a microtask, nothing ever waits:
        // better-sqlite3 is synchronous, so a group runs before the next request is read.) A
        // caller's answer can now go out before work its events queued has committed; whoever
        // needs that work waits for it (the bus's drain, or the state itself).
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length) {
        let take = 1;
        if (!this.queue[0].alone) while (take < this.max && take < this.queue.length && !this.queue[take].alone) take++;
        const members = this.queue.splice(0, take);
        if (members.length === 1) await this.alone(members[0]);
        else await this.together(members);
      }
    } finally {
      this.draining = false;
    }
  }

  private async alone(x: Member): Promise<void> {
    this.stats.groups++;
    this.stats.members++;
    try {
      const value = x.plain ? await x.run(this.ds.manager) : await this.watched(() => this.ds.transaction((m) => x.run(m)));
      this.ended();
      x.resolve(value);
    } catch (err) {
      this.stats.failed++;
      const qr = this.ds.createQueryRunner();
      if ((qr as unknown as { transactionDepth: number }).transactionDepth) await abandon(qr);
      this.ended();
      x.reject(err);
    }
  }

  // Runs a member's work, counting it in heldAcrossTurns if the loop turns before it ends (a
  // member that awaits only queries ends within the turn that started it).
  private async watched<T>(work: () => Promise<T>): Promise<T> {
    let open = true;
    setImmediate(() => {
      if (open) this.stats.heldAcrossTurns++;
    });
    try {
      return await work();
    } finally {
      open = false;
    }
  }

  // After each commit or rollback, before anyone is answered or the next group starts: the
  // reference lists its writes changed are dropped here and the other nodes told (see
  // reference-cache.ts; the one runner holds what every member changed).
  private ended(): void {
    const m = this.ds.createEntityManager(this.ds.createQueryRunner());
    referenceCache(m).ended(m);
  }

  private async together(members: Member[]): Promise<void> {
    const qr = this.ds.createQueryRunner();
    const done: { x: Member; value: unknown }[] = [];
    const failed: { x: Member; err: unknown }[] = [];
    try {
      await qr.startTransaction();
    } catch {
      // No write lock (another process held it past the busy timeout): each tries on its own,
      // and fails on its own, as it would have without grouping.
      await abandon(qr);
      for (const x of members) x.alone = true;
      this.queue.unshift(...members);
      return;
    }
    const started = performance.now();
    let lost: unknown = null;
    let i = 0;
    for (; i < members.length && !lost; i++) {
      // Everyone in the group waits for the last member's work before being answered: past the
      // budget, the rest form the next group.
      if (i > 0 && performance.now() - started > this.budgetMs) break;
      const x = members[i];
      await qr.startTransaction();
      try {
        const value = await this.watched(() => x.run(this.ds.createEntityManager(qr)));
        await qr.commitTransaction();
        done.push({ x, value });
      } catch (err) {
        failed.push({ x, err });
        if (!(await rolledBackAlone(qr))) lost = err;
      }
    }
    // Those not run yet (past the budget, or after the transaction was lost) go first next time.
    this.queue.unshift(...members.slice(i));
    if (!lost) {
      try {
        await qr.commitTransaction();
      } catch (err) {
        lost = err;
      }
    }
    if (lost) {
      await abandon(qr);
      // Their work is gone with the group: each is told so, as a failed commit of its own was.
      for (const d of done.splice(0)) failed.push({ x: d.x, err: new GroupLostError(lost) });
      this.stats.lost++;
    }
    this.ended();
    this.stats.groups++;
    this.stats.members += done.length + failed.length;
    this.stats.failed += failed.length;
    for (const d of done) d.x.resolve(d.value);
    for (const f of failed) f.x.reject(f.err);
  }
}

// A write that was rolled back because its group's transaction was lost (the COMMIT failed, or
// another member's error made SQLite roll everything back).
export class GroupLostError extends Error {
  constructor(readonly cause: unknown) {
    super(`the write was rolled back with the others committed beside it: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'GroupLostError';
  }
}

// After a member threw: back to its savepoint. False when the whole transaction is gone (SQLite
// rolls everything back on some errors, such as a full disk), so nothing of the group stands.
async function rolledBackAlone(qr: QueryRunner): Promise<boolean> {
  try {
    await qr.rollbackTransaction();
  } catch {
    return false;
  }
  return rawOf(qr)?.inTransaction !== false;
}

// Ends the group's transaction whatever state it is in, and puts the runner's own bookkeeping
// back to "no transaction" (TypeORM keeps its depth when a ROLLBACK it sends fails, and would
// then answer the next BEGIN with a savepoint).
async function abandon(qr: QueryRunner): Promise<void> {
  const raw = rawOf(qr);
  try {
    if (raw?.inTransaction !== false) raw?.exec('ROLLBACK');
  } catch {
    // Already gone.
  }
  const state = qr as unknown as { transactionDepth: number; isTransactionActive: boolean };
  state.transactionDepth = 0;
  state.isTransactionActive = false;
}

function rawOf(qr: QueryRunner): Database.Database | undefined {
  return sqliteConnectionOf(qr.connection);
}
