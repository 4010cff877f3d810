import type { ChannelKind, Inbox } from '../db/entities';
import { inboxRepository } from '../db/repositories/inbox.repository';
import type { Services } from '../services';

export interface InboxRunnerSpec {
  // For the logs.
  name: string;
  channels: ChannelKind[];
  // What the runner depends on; a change restarts it. null: this inbox needs no runner.
  fingerprint(inbox: Inbox): string | null;
  // Starts the runner for the inbox and returns how to stop it.
  start(inbox: Inbox): (() => Promise<void>) | Promise<() => Promise<void>>;
  // How often inboxes changed on another node are looked for.
  recheckMs?: number;
}

export interface InboxRunners {
  sync(): Promise<void>;
  stop(): Promise<void>;
}

// One background runner per inbox (a poller, a watcher) kept in step with the inbox table:
// started for a new inbox, restarted when what it depends on changes, stopped when the inbox no
// longer needs it. A change made on this node applies at once (`inbox.changed`); one made on
// another node at the next recheck. Any channel's poller can use it.
export function runPerInbox(s: Services, spec: InboxRunnerSpec): InboxRunners {
  const running = new Map<number, { fingerprint: string; stop: () => Promise<void> }>();
  let stopped = false;
  let chain: Promise<void> = Promise.resolve();

  const reconcile = async () => {
    const inboxes = (await Promise.all(spec.channels.map((c) => inboxRepository.listByChannel(s.db.m, c)))).flat();
    const seen = new Set<number>();
    for (const inbox of inboxes) {
      if (stopped) return;
      const fingerprint = spec.fingerprint(inbox);
      if (fingerprint === null) continue;
      seen.add(inbox.id);
      const current = running.get(inbox.id);
      if (current?.fingerprint === fingerprint) continue;
      if (current) {
        running.delete(inbox.id);
        await current.stop().catch((err) => s.logger.warn({ err, inboxId: inbox.id }, `${spec.name}: stopping the old runner failed`));
        s.logger.info({ inboxId: inbox.id }, `${spec.name}: inbox settings changed; restarting`);
      }
      try {
        running.set(inbox.id, { fingerprint, stop: await spec.start(inbox) });
      } catch (err) {
        s.logger.error({ err, inboxId: inbox.id }, `${spec.name}: could not start for this inbox`);
      }
    }
    for (const [id, r] of [...running]) {
      if (seen.has(id)) continue;
      running.delete(id);
      await r.stop().catch((err) => s.logger.warn({ err, inboxId: id }, `${spec.name}: stopping the runner failed`));
    }
  };
  // Syncs never overlap; each runs after the one before.
  const sync = () => {
    chain = chain.then(() => (stopped ? undefined : reconcile())).catch((err) => s.logger.error({ err }, `${spec.name}: inbox sync failed`));
    return chain;
  };

  s.bus.on('inbox.changed', () => {
    if (!stopped) void sync();
  });
  const timer = setInterval(() => void sync(), spec.recheckMs ?? 15_000);
  timer.unref();

  return {
    sync,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await chain;
      await Promise.all([...running.values()].map((r) => r.stop().catch(() => undefined)));
      running.clear();
    },
  };
}
