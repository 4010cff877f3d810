import type { Server } from 'socket.io';
import { REFERENCE_KINDS, referenceCache, type ReferenceKind } from '../db/repositories/reference-cache';
import type { Services } from '../services';

const EV = 'chorus:reference';

// Each node caches the small reference lists (agents, teams, inboxes, macros, canned replies,
// saved views). A change committed on this node is told to every other node through the
// socket.io adapter (Redis or Postgres), which then drops its copy and reads the rows afresh;
// without this an agent renamed on node A would keep the old name on node B's pages.
// (One node alone, on SQLite without Redis, has nobody to tell.)
export function relayReferenceChanges(s: Services, io: Server, clustered: boolean): () => void {
  if (!clustered) return () => {};
  const cache = referenceCache(s.db.m);
  const off = cache.onChange((kinds) => {
    try {
      io.serverSideEmit(EV, kinds);
    } catch (err) {
      s.logger.warn({ err }, 'could not tell the other nodes of a reference change');
    }
  });
  io.on(EV, (kinds: unknown) => {
    const known = Array.isArray(kinds) ? kinds.filter((k): k is ReferenceKind => REFERENCE_KINDS.includes(k)) : [];
    cache.invalidate(known);
  });
  return off;
}
