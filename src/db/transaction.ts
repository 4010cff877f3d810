import { DataSource, EntityManager } from 'typeorm';
import type { EventBus } from '../events/bus';
import type { DomainEvent, EventMap, EventName } from '../events/event-map';
import { referenceCache } from './repositories/reference-cache';
import { groupCommitOf } from './sqlite-group-commit';

export interface Tx {
  m: EntityManager;
  emit<K extends EventName>(name: K, payload: EventMap[K]): void;
}

// One write queue per SQLite store (sqlite-group-commit.ts). SQLite has a single connection, so
// a second transaction started while one is open would nest inside it (TypeORM turns it into a
// savepoint) and a plain write issued meanwhile would commit or roll back with someone else's
// work. Every write goes through Db.transaction or Db.write.
// Work a change queues to run last inside its own transaction, once (one batched insert of the
// reporting facts a command wrote along the way, instead of one round trip per fact).
const finishers = new WeakMap<EntityManager, (() => Promise<void>)[]>();

export function beforeCommit(m: EntityManager, fn: () => Promise<void>): boolean {
  const list = finishers.get(m);
  if (!list) return false;
  list.push(fn);
  return true;
}

// Transactions that queued outbox rows (outboxRepository.enqueue says so here): once one commits,
// 'outbox.enqueued' is published with its events, so the worker claims at once — and only then,
// not after every change. A row written outside a transaction is found by the worker's poll.
const queuedOutbox = new WeakSet<EntityManager>();

export function outboxQueuedIn(m: EntityManager): boolean {
  if (!finishers.has(m)) return false;
  queuedOutbox.add(m);
  return true;
}

// Work that must commit together with a change's events (the outbox rows of outgoing webhooks):
// it runs inside the change's transaction, after its work, and sees every event it emitted.
export type CommitHook = (m: EntityManager, events: DomainEvent[]) => Promise<void>;

export class Db {
  readonly kind: 'sqlite' | 'postgres';
  private commitHooks: CommitHook[] = [];
  private keepers: CommitHook[] = [];

  constructor(readonly ds: DataSource, readonly bus: EventBus) {
    this.kind = ds.options.type === 'postgres' ? 'postgres' : 'sqlite';
  }

  get m(): EntityManager {
    return this.ds.manager;
  }

  onCommit(hook: CommitHook): void {
    this.commitHooks.push(hook);
  }

  // State derived from the tickets that every change keeps in its own transaction, historic
  // imports included (the kept inbox counts). Runs after the commit hooks, so it also sees what
  // they changed.
  keep(hook: CommitHook): void {
    this.keepers.push(hook);
  }

  // For a transaction whose events its caller publishes later itself (the ingest pipeline):
  // call inside it, with those events, once they are all known. `historic`: an import that tells
  // no one (no commit hooks), though kept state still follows it.
  async beforeCommitOf(m: EntityManager, events: DomainEvent[], opts: { historic?: boolean } = {}): Promise<void> {
    if (!events.length) return;
    if (!opts.historic) for (const hook of this.commitHooks) await hook(m, events);
    for (const hook of this.keepers) await hook(m, events);
  }

  // Runs fn in a transaction; events it emits are published only after the commit. On SQLite
  // the transaction joins whoever else is waiting in one commit (sqlite-group-commit.ts).
  async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    let txm: EntityManager | undefined;
    const run = async (m: EntityManager): Promise<{ result: T; events: DomainEvent[] }> => {
      const events: DomainEvent[] = [];
      txm = m;
      finishers.set(m, []);
      try {
        const result = await fn({ m, emit: (name, payload) => events.push({ name, payload } as DomainEvent) });
        await this.beforeCommitOf(m, events);
        const list = finishers.get(m)!;
        for (let i = 0; i < list.length; i++) await list[i]();
        if (queuedOutbox.has(m)) events.push({ name: 'outbox.enqueued', payload: {} });
        return { result, events };
      } finally {
        finishers.delete(m);
        queuedOutbox.delete(m);
      }
    };
    let out: { result: T; events: DomainEvent[] };
    if (this.kind === 'sqlite') {
      // The write queue ends the reference lists' pending changes after each commit.
      out = await groupCommitOf(this.ds).transaction(run);
    } else {
      try {
        out = await this.ds.transaction(run);
      } finally {
        // Committed or rolled back: cached reference lists it touched are read afresh, on every node.
        if (txm) referenceCache(txm).ended(txm);
      }
    }
    this.bus.publish(out.events);
    return out.result;
  }

  // Sequences a write that must not interleave with an open SQLite transaction (and commits it
  // with whatever else is waiting then).
  write<T>(fn: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.kind === 'sqlite' ? groupCommitOf(this.ds).write(fn) : fn(this.ds.manager);
  }

  // One transaction for several changes (the rule engine applies all of a ticket's automatic
  // changes so; the commands stay as they are). `fn` gets a Db whose transactions and writes join
  // this one plainly: one commit, one run of the commit hooks, one append to each ticket's hash
  // chain. If one of them throws, all of it is rolled back and `fn` runs again with each of them
  // a savepoint instead, so that one rolls back alone (its events dropped) and the rest commit.
  async together<T>(fn: (db: Db, tx: Tx) => Promise<T>): Promise<T> {
    let joined: JoinedDb | undefined;
    try {
      return await this.transaction(async (tx) => {
        joined = new JoinedDb(this, tx, false);
        const result = await fn(joined, tx);
        if (joined.failed) throw new Error('a joined change failed; running again with savepoints');
        return result;
      });
    } catch (err) {
      // Any failure once changes joined (on Postgres a swallowed error still aborts the whole
      // transaction) is tried again isolated: a real fault shows up there again and throws.
      if (!joined) throw err;
      return this.transaction((tx) => fn(new JoinedDb(this, tx, true), tx));
    }
  }

  // A Db for work inside the open transaction `tx` (the ingest pipeline runs an item's steps so):
  // its reads, writes and transactions run plainly in tx and commit once, with it; a failure in
  // any of them fails tx. Work that must be able to fail alone uses `savepoint`.
  within(tx: Tx): Db {
    return new JoinedDb(this, tx, false);
  }

  // A transaction that, inside `within`, is a savepoint instead: when it fails (a unique race
  // with another node) it rolls back alone and the caller may retry, the rest of tx unharmed.
  savepoint<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.transaction(fn);
  }

  isUniqueViolation(err: unknown): boolean {
    const e = err as { code?: string; message?: string; driverError?: { code?: string } };
    const code = e?.driverError?.code ?? e?.code;
    return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
      /UNIQUE constraint failed|duplicate key value/.test(e?.message ?? '');
  }
}

// The Db `together` hands out: its `m` is the open transaction's. Plain, a transaction runs
// right in it (and a failure is noted, for `together` to start over); isolated, it is a
// savepoint with its own manager, so work queued before its commit (hash-chain links) runs
// before the savepoint is released or is dropped with it, and its events join on success.
class JoinedDb extends Db {
  failed = false;

  constructor(private parent: Db, private outer: Tx, private isolated: boolean) {
    super(parent.ds, parent.bus);
  }

  override get m(): EntityManager {
    return this.outer.m;
  }

  override onCommit(hook: CommitHook): void {
    this.parent.onCommit(hook);
  }

  // The hooks are the parent's (a joined Db registers none of its own).
  override beforeCommitOf(m: EntityManager, events: DomainEvent[], opts: { historic?: boolean } = {}): Promise<void> {
    return this.parent.beforeCommitOf(m, events, opts);
  }

  override async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    if (!this.isolated) {
      try {
        return await fn(this.outer);
      } catch (err) {
        this.failed = true;
        throw err;
      }
    }
    const qr = this.outer.m.queryRunner!;
    const m = this.ds.createEntityManager(qr);
    const events: DomainEvent[] = [];
    await qr.startTransaction();
    finishers.set(m, []);
    try {
      const result = await fn({ m, emit: (name, payload) => events.push({ name, payload } as DomainEvent) });
      const list = finishers.get(m)!;
      for (let i = 0; i < list.length; i++) await list[i]();
      await qr.commitTransaction();
      for (const e of events) this.outer.emit(e.name, e.payload as never);
      // Its outbox rows commit with the outer transaction, which then tells the worker.
      if (queuedOutbox.has(m)) outboxQueuedIn(this.outer.m);
      return result;
    } catch (err) {
      try {
        await qr.rollbackTransaction();
      } catch {
        // The savepoint is gone with a failed outer transaction; the original error says why.
      }
      throw err;
    } finally {
      finishers.delete(m);
      queuedOutbox.delete(m);
    }
  }

  override write<T>(fn: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.transaction((tx) => fn(tx.m));
  }

  override savepoint<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.isolated ? this.transaction(fn) : new JoinedDb(this.parent, this.outer, true).transaction(fn);
  }

  override together<T>(fn: (db: Db, tx: Tx) => Promise<T>): Promise<T> {
    return this.transaction((tx) => fn(this, tx));
  }
}
