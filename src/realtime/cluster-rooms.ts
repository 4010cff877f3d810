import { randomUUID } from 'node:crypto';
import type { Server } from 'socket.io';

// Which named rooms have a member anywhere in the cluster, without asking every node per event
// (fetchSockets is a cluster round trip and a copy of every socket). Each node tells the others
// when one of its rooms gains its first local member or loses its last, in batches; a node that
// starts asks the others for their lists, and every node repeats its whole list now and then so
// that a node that died without saying goodbye is forgotten.
const SNAPSHOT_EVERY_MS = 30_000;
const FORGET_AFTER_MS = 2.5 * SNAPSHOT_EVERY_MS;
const EV = 'chorus:rooms';
const HELLO = 'chorus:rooms:hello';

interface Delta { node: string; add?: string[]; del?: string[]; snapshot?: string[] }

export interface ClusterRooms {
  // Someone on some node is in this room (a false "yes" costs a publish; a false "no" never
  // happens for a member whose join has been acknowledged, see settled()).
  has(room: string): boolean;
  // Resolves once every other node has heard of this node's new rooms (join acks wait for it,
  // so an event sent anywhere after a join's ack reaches the joiner).
  settled(): Promise<void>;
  stop(): void;
}

// Socket.io's own per-socket rooms (named by socket id) are not tracked: Chorus names have a
// colon or are one of the fixed names.
const named = (room: string, fixed: Set<string>) => room.includes(':') || fixed.has(room);

export function trackClusterRooms(io: Server, clustered: boolean, fixedNames: string[]): ClusterRooms {
  const adapter = io.of('/').adapter;
  const fixed = new Set(fixedNames);
  const localHas = (room: string) => (adapter.rooms.get(room)?.size ?? 0) > 0;
  if (!clustered) return { has: localHas, settled: async () => {}, stop: () => {} };

  const node = randomUUID();
  const remote = new Map<string, Set<string>>(); // room → nodes holding a member
  const nodes = new Map<string, { rooms: Set<string>; seen: number }>();
  let add = new Set<string>();
  let del = new Set<string>();
  let flushing: Promise<void> | null = null;
  // The acknowledgement of the last batch that added rooms.
  let acked: Promise<void> = Promise.resolve();

  const forget = (n: string) => {
    const known = nodes.get(n);
    if (!known) return;
    for (const r of known.rooms) {
      const holders = remote.get(r);
      holders?.delete(n);
      if (holders && !holders.size) remote.delete(r);
    }
    nodes.delete(n);
  };
  const apply = (d: Delta) => {
    if (!d || d.node === node) return;
    if (d.snapshot) forget(d.node);
    const known = nodes.get(d.node) ?? { rooms: new Set<string>(), seen: 0 };
    nodes.set(d.node, known);
    known.seen = Date.now();
    for (const r of [...(d.snapshot ?? []), ...(d.add ?? [])]) {
      known.rooms.add(r);
      if (!remote.has(r)) remote.set(r, new Set());
      remote.get(r)!.add(d.node);
    }
    for (const r of d.del ?? []) {
      known.rooms.delete(r);
      const holders = remote.get(r);
      holders?.delete(d.node);
      if (holders && !holders.size) remote.delete(r);
    }
  };
  const localRooms = () => [...adapter.rooms.keys()].filter((r) => named(r, fixed) && localHas(r));
  const sendSnapshot = () => io.serverSideEmit(EV, { node, snapshot: localRooms() } satisfies Delta);

  // One message per burst of joins and leaves; with an acknowledgement when rooms were added.
  const flush = (): Promise<void> => {
    if (flushing) return flushing;
    flushing = new Promise<void>((resolve) => setImmediate(() => {
      const d: Delta = { node, add: [...add].filter(localHas), del: [...del].filter((r) => !localHas(r)) };
      add = new Set();
      del = new Set();
      flushing = null;
      if (!d.add!.length && !d.del!.length) return resolve();
      if (!d.add!.length) {
        io.serverSideEmit(EV, d);
        return resolve();
      }
      // A node that does not answer in time (the adapter's request timeout) is not waited for.
      acked = new Promise<void>((done) => io.serverSideEmit(EV, d, () => done()));
      acked.then(resolve);
    }));
    return flushing;
  };

  adapter.on('create-room', (room: string) => {
    if (!named(room, fixed)) return;
    del.delete(room);
    add.add(room);
    void flush();
  });
  adapter.on('delete-room', (room: string) => {
    if (!named(room, fixed)) return;
    add.delete(room);
    del.add(room);
    void flush();
  });
  io.on(EV, (d: Delta, ack?: () => void) => {
    apply(d);
    if (typeof ack === 'function') ack();
  });
  io.on(HELLO, () => sendSnapshot());
  io.serverSideEmit(HELLO, node);

  const timer = setInterval(() => {
    sendSnapshot();
    const cutoff = Date.now() - FORGET_AFTER_MS;
    for (const [n, v] of nodes) if (v.seen < cutoff) forget(n);
  }, SNAPSHOT_EVERY_MS);
  timer.unref();

  return {
    has: (room) => localHas(room) || remote.has(room),
    settled: () => (add.size ? flush() : flushing ?? acked),
    stop: () => {
      clearInterval(timer);
      // Goodbye: this node holds no rooms any more.
      try {
        io.serverSideEmit(EV, { node, snapshot: [] } satisfies Delta);
      } catch {
        /* the adapter is already closed */
      }
    },
  };
}
