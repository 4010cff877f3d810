import type { DataSource, EntityManager } from 'typeorm';

// The small lists every agent page reads (agents, teams, inboxes, macros, canned replies, an
// agent's saved views), kept per node. Under load the same few rows were read afresh for every
// request (the session's agent, the sidebar's inboxes and teams, the ticket page's macros);
// they change only when an admin edits them.
//
// Coherence: every repository method that writes one of these tables calls changed(). A write
// outside a transaction drops the entry at once; one inside a transaction drops it at once
// (so no reader keeps it meanwhile) and again when the transaction ends, committed or rolled
// back (on SQLite a read beside an open transaction sees its uncommitted rows). Only then are
// the other nodes told (realtime/reference-relay.ts sends it through the socket.io adapter), so
// they drop theirs and read the committed rows. Reads inside a transaction never use the cache.
// A generation per kind keeps a read that began before a change from storing what it read.
// Entries also expire after a while, should a node miss a message from the others.
export type ReferenceKind = 'agents' | 'teams' | 'inboxes' | 'macros' | 'canned' | 'savedViews';
const TTL_MS = 30_000;

interface Entry { value: unknown; at: number }

class ReferenceCache {
  private entries = new Map<string, Entry>();
  private gen = new Map<ReferenceKind, number>();
  private pending = new WeakMap<object, Set<ReferenceKind>>();
  private listeners: ((kinds: ReferenceKind[]) => void)[] = [];
  // How often each kind was read from the database (tests count the reads a cache saves).
  readonly loads = new Map<ReferenceKind, number>();

  async get<T>(m: EntityManager, kind: ReferenceKind, key: string, load: () => Promise<T>): Promise<T> {
    if (m.queryRunner) return load();
    const id = `${kind}:${key}`;
    const hit = this.entries.get(id);
    // The value is shared by every caller on this node: repositories hand out copies of rows.
    if (hit && Date.now() - hit.at < TTL_MS) return hit.value as T;
    const g = this.gen.get(kind) ?? 0;
    this.loads.set(kind, (this.loads.get(kind) ?? 0) + 1);
    const value = await load();
    if ((this.gen.get(kind) ?? 0) === g) this.entries.set(id, { value, at: Date.now() });
    return value;
  }

  // Drops what this node holds of these kinds (a change here or on another node).
  invalidate(kinds: ReferenceKind[]): void {
    for (const kind of kinds) {
      this.gen.set(kind, (this.gen.get(kind) ?? 0) + 1);
      for (const id of [...this.entries.keys()]) if (id.startsWith(`${kind}:`)) this.entries.delete(id);
    }
  }

  changed(m: EntityManager, kind: ReferenceKind): void {
    this.invalidate([kind]);
    const runner = m.queryRunner;
    if (runner?.isTransactionActive) {
      const set = this.pending.get(runner) ?? new Set<ReferenceKind>();
      set.add(kind);
      this.pending.set(runner, set);
    } else this.tell([kind]);
  }

  // Called by Db.transaction once its transaction has ended.
  ended(m: EntityManager): void {
    const runner = m.queryRunner;
    const set = runner && this.pending.get(runner);
    if (!set) return;
    this.pending.delete(runner);
    this.invalidate([...set]);
    this.tell([...set]);
  }

  // Local changes, once committed, for the other nodes.
  onChange(fn: (kinds: ReferenceKind[]) => void): () => void {
    this.listeners.push(fn);
    return () => {
      this.listeners = this.listeners.filter((x) => x !== fn);
    };
  }

  private tell(kinds: ReferenceKind[]): void {
    for (const fn of this.listeners) fn(kinds);
  }
}

// A row handed out is the caller's own: one that sets a field on it changes nobody else's.
export const copyRow = <T extends object>(row: T): T => Object.assign(Object.create(Object.getPrototypeOf(row)), row);
export const copyRows = <T extends object>(rows: T[]): T[] => rows.map(copyRow);

// One cache per database connection, i.e. per node (tests run several nodes in one process).
const caches = new WeakMap<DataSource, ReferenceCache>();
export function referenceCache(m: EntityManager): ReferenceCache {
  const ds = m.connection;
  let c = caches.get(ds);
  if (!c) caches.set(ds, (c = new ReferenceCache()));
  return c;
}

export const REFERENCE_KINDS: ReferenceKind[] = ['agents', 'teams', 'inboxes', 'macros', 'canned', 'savedViews'];
