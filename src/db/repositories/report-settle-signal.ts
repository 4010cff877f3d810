import type { DataSource, EntityManager } from 'typeorm';

// Who settles a store's new facts (src/reports/settle-facts.ts): the facts repository tells it
// that a change wrote some, and it settles them shortly after, in one batch for many changes.
// Per DataSource, so two app instances in one process (two nodes in a test) each settle their own.
const settlers = new WeakMap<DataSource, () => void>();

export function onFactsToSettle(ds: DataSource, fn: (() => void) | null): void {
  if (fn) settlers.set(ds, fn);
  else settlers.delete(ds);
}

export function factsToSettle(m: EntityManager): void {
  settlers.get(m.connection)?.();
}
