import type { EntityManager } from 'typeorm';
import { configVersionRepository } from './repositories/config-version.repository';

// One read of the stamps per commit: the commit hooks of one transaction are handed the same
// events list, so they share it (SLA policies and webhooks are both checked by one statement).
const readOf = new WeakMap<object, Promise<Map<string, string>>>();

function versions(m: EntityManager, scope: object): Promise<Map<string, string>> {
  let r = readOf.get(scope);
  if (!r) readOf.set(scope, (r = configVersionRepository.all(m)));
  return r;
}

// A node's copy of a small table read on every ticket change, kept while the table's stamp
// (set afresh by triggers on any write, in the writing transaction) is the one it was loaded at.
// The stamp is read in the caller's transaction, so the copy is exactly as current as reading the
// table there would be — on this node and on every other node of a cluster. One per node
// (Services): two stores in one process never share a copy. Callers share the loaded rows and
// must not change them.
export class VersionedCache<T> {
  private held: { version: string; value: Promise<T> } | null = null;

  constructor(private table: string, private load: (m: EntityManager) => Promise<T>) {}

  // `scope`: what the reads of one commit have in common (its events list).
  async get(m: EntityManager, scope: object): Promise<T> {
    const version = (await versions(m, scope)).get(this.table);
    // No stamp (a store not migrated this far): read the table each time.
    if (version === undefined) return this.load(m);
    if (this.held?.version !== version) {
      const value = this.load(m);
      this.held = { version, value };
      value.catch(() => {
        if (this.held?.value === value) this.held = null;
      });
    }
    return this.held.value;
  }
}
