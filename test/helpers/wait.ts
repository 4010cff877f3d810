import type { Socket } from 'socket.io-client';
import type { EventBus } from '../../src/events/bus';

// Polls until `ok` holds and returns that value; after a generous deadline returns the last
// value anyway, so the caller's expect shows what was there instead of a bare timeout.
export async function waitFor<T>(fn: () => Promise<T> | T, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
}

// For "never receives" assertions without a time window: every event handler already started
// has finished (so every broadcast has been handed to its sockets), then one round trip per
// socket proves its client has received everything sent before (one connection is ordered).
export async function settled(s: { bus: EventBus }, ...sockets: Socket[]): Promise<void> {
  await s.bus.drain();
  for (const so of sockets) await so.timeout(10_000).emitWithAck('ticket:join', { ticketId: 0 });
}

// Polls until `fn` gives a truthy value and returns it; fails naming `what` after the deadline.
export async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
