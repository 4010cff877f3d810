import { DataSource, EntityManager } from 'typeorm';
import type { EventBus } from '../events/bus';
import type { DomainEvent, EventMap, EventName } from '../events/event-map';

export interface Tx {
  m: EntityManager;
  emit<K extends EventName>(name: K, payload: EventMap[K]): void;
}

// One async lock. SQLite has a single connection, so a second transaction started while one
// is open would nest inside it (TypeORM turns it into a savepoint) and a plain write issued
// meanwhile would commit or roll back with someone else's work. Every write goes through here.
class Mutex {
  private tail: Promise<void> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.then(() => undefined, () => undefined);
    return result;
  }
}

export class Db {
  readonly kind: 'sqlite' | 'postgres';
  private lock = new Mutex();

  constructor(readonly ds: DataSource, readonly bus: EventBus) {
    this.kind = ds.options.type === 'postgres' ? 'postgres' : 'sqlite';
  }

  get m(): EntityManager {
    return this.ds.manager;
  }

  // Runs fn in a transaction; events it emits are published only after the commit.
  async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const events: DomainEvent[] = [];
    const run = () =>
      this.ds.transaction(async (m) => fn({ m, emit: (name, payload) => events.push({ name, payload } as DomainEvent) }));
    const result = this.kind === 'sqlite' ? await this.lock.run(run) : await run();
    this.bus.publish(events);
    return result;
  }

  // Sequences a write that must not interleave with an open SQLite transaction.
  write<T>(fn: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.kind === 'sqlite' ? this.lock.run(() => fn(this.ds.manager)) : fn(this.ds.manager);
  }

  isUniqueViolation(err: unknown): boolean {
    const e = err as { code?: string; message?: string; driverError?: { code?: string } };
    const code = e?.driverError?.code ?? e?.code;
    return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
      /UNIQUE constraint failed|duplicate key value/.test(e?.message ?? '');
  }
}
