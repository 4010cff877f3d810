import type { OutboxItem } from '../db/entities';
import { messageRepository } from '../db/repositories/message.repository';
import { outboxRepository } from '../db/repositories/outbox.repository';
import type { Db } from '../db/transaction';
import type { Logger } from '../logger';
import type { Metrics } from '../ops/metrics';
import { isPermanent, MAX_ATTEMPTS, nextDelayMs } from './retry-policy';

export interface SendResult {
  externalId?: string | null;
}
// A sender delivers one outbox item of its kind or throws (PermanentDeliveryError, RetryLaterError,
// anything else = retry). It should stop when `signal` aborts: the worker has given up on the send.
export type Sender = (item: OutboxItem, signal: AbortSignal) => Promise<SendResult | void>;

export interface OutboxWorkerOptions {
  pollMs?: number;
  // Each transport's own timeouts (SMTP connect/greeting/socket, HTTP request) use this; the
  // worker gives up on a send at twice this, whatever the sender does.
  sendTimeoutMs?: number;
  // Sends in flight at once per lane (transport + destination), and in all.
  laneConcurrency?: number;
  maxInFlight?: number;
}

// Why a send was given up: it is retried like any other temporary failure.
class SendAbandoned extends Error {}

export class OutboxWorker {
  private senders = new Map<string, Sender>();
  private timer: NodeJS.Timeout | null = null;
  private claiming = false;
  private again = false;
  private stopped = true;
  private listening = false;
  private closing = false;
  private inFlight = new Map<number, { lane: string; ticketId: number | null; abort: (reason: Error) => void; done: Promise<void> }>();
  private readonly pollMs: number;
  private readonly deadlineMs: number;
  private readonly leaseMs: number;
  private readonly laneConcurrency: number;
  private readonly maxInFlight: number;

  constructor(private db: Db, private logger: Logger, private metrics: Metrics, private now: () => number, opts: OutboxWorkerOptions = {}) {
    this.pollMs = opts.pollMs ?? 1000;
    this.deadlineMs = 2 * (opts.sendTimeoutMs ?? 30_000);
    // Longer than the deadline, so only a node that died mid-send lets its claim run out.
    this.leaseMs = this.deadlineMs + 30_000;
    this.laneConcurrency = opts.laneConcurrency ?? 2;
    this.maxInFlight = opts.maxInFlight ?? 16;
  }

  register(kind: string, sender: Sender): void {
    this.senders.set(kind, sender);
  }

  start(): void {
    this.stopped = false;
    this.closing = false;
    // Poked by this node's commits that queued rows (agent and rule replies, acknowledgements,
    // surveys, webhooks, notices…), not by every change: a post that queues nothing costs no
    // claim. Rows another node queued, or that become due later, are found by the poll.
    if (!this.listening) this.db.bus.on('outbox.enqueued', () => this.poke());
    this.listening = true;
    this.schedule();
  }

  // Sends still in flight are given up (and stay queued, to be retried by whoever runs next).
  async stop(): Promise<void> {
    this.stopped = true;
    this.closing = true;
    if (this.timer) clearTimeout(this.timer);
    while (this.claiming) await new Promise((r) => setTimeout(r, 20));
    for (const f of this.inFlight.values()) f.abort(new SendAbandoned('Chorus stopped during the send; it will be retried.'));
    await Promise.all([...this.inFlight.values()].map((f) => f.done));
  }

  poke(): void {
    if (this.stopped) return;
    if (this.claiming) this.again = true;
    else void this.drain();
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.drain(), this.pollMs);
    this.timer.unref();
  }

  // Starts a send for every due item there is room for: at most `laneConcurrency` per lane, one
  // per ticket (its replies leave in order), `maxInFlight` in all. A lane whose destination hangs
  // fills up and waits; the other lanes keep going. Safe on several nodes at once (rows are claimed).
  async drain(): Promise<number> {
    if (this.claiming) {
      this.again = true;
      return 0;
    }
    this.claiming = true;
    let n = 0;
    try {
      do {
        this.again = false;
        while (!this.closing && this.inFlight.size < this.maxInFlight) {
          const skip = this.busy();
          const item = await this.db.write((m) => outboxRepository.claimDue(m, this.now(), this.leaseMs, skip));
          if (!item) break;
          this.launch(item);
          n++;
        }
      } while (this.again && !this.closing);
    } catch (err) {
      this.logger.error({ err }, 'outbox drain failed');
    } finally {
      this.claiming = false;
      this.schedule();
    }
    return n;
  }

  private busy(): { lanes: string[]; ticketIds: number[] } {
    const perLane = new Map<string, number>();
    const ticketIds: number[] = [];
    for (const f of this.inFlight.values()) {
      perLane.set(f.lane, (perLane.get(f.lane) ?? 0) + 1);
      if (f.ticketId) ticketIds.push(f.ticketId);
    }
    return { lanes: [...perLane].filter(([, c]) => c >= this.laneConcurrency).map(([l]) => l), ticketIds };
  }

  private launch(item: OutboxItem): void {
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(new SendAbandoned(`The send did not finish within ${Math.round(this.deadlineMs / 1000)} s (the destination stopped answering); it will be retried.`)), this.deadlineMs);
    const done = this.deliver(item, ac.signal).finally(() => {
      clearTimeout(timer);
      this.inFlight.delete(item.id);
      // A freed slot may let a waiting item of this lane go.
      this.poke();
    });
    this.inFlight.set(item.id, { lane: item.lane, ticketId: item.ticketId, abort: (r) => ac.abort(r), done });
  }

  // Runs the sender, but never waits past the signal: a send that hangs is given up, not awaited.
  private async send(item: OutboxItem, signal: AbortSignal): Promise<SendResult> {
    const sender = this.senders.get(item.kind);
    if (!sender) throw new Error(`No sender is configured for ${item.kind} deliveries`);
    let onAbort = () => {};
    const abandoned = new Promise<never>((_, reject) => {
      onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new SendAbandoned(String(signal.reason)));
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return ((await Promise.race([sender(item, signal), abandoned])) || {}) as SendResult;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  private async deliver(item: OutboxItem, signal: AbortSignal): Promise<void> {
    try {
      let r: SendResult;
      try {
        r = await this.send(item, signal);
      } catch (err) {
        // A sender that honours the signal throws its own abort error; the reason is ours.
        throw signal.aborted && signal.reason instanceof SendAbandoned ? signal.reason : err;
      }
      this.metrics.outbox.inc({ kind: item.kind, result: 'sent' });
      await this.db.transaction(async (tx) => {
        await outboxRepository.update(tx.m, item.id, { state: 'sent', sentAt: this.now(), externalId: r.externalId ?? null, lastError: null, lockedUntil: null });
        if (item.messageId) await this.settleMessage(tx, item.messageId, r.externalId ?? null);
      });
    } catch (err) {
      await this.failed(item, err).catch((e) => this.logger.error({ err: e, itemId: item.id }, 'outbox could not record a failed send'));
    }
  }

  private async failed(item: OutboxItem, err: unknown): Promise<void> {
    const reason = (err as Error)?.message ?? String(err);
    const final = isPermanent(err) || item.attempts >= MAX_ATTEMPTS;
    this.metrics.outbox.inc({ kind: item.kind, result: final ? 'failed' : 'retry' });
    this.logger.warn({ itemId: item.id, kind: item.kind, lane: item.lane, attempts: item.attempts, reason }, final ? 'delivery failed' : 'delivery will be retried');
    await this.db.transaction(async (tx) => {
      await outboxRepository.update(tx.m, item.id, {
        state: final ? 'failed' : 'queued', lastError: reason, lockedUntil: null, nextAttemptAt: this.now() + nextDelayMs(item.attempts, err),
      });
      if (item.messageId) {
        const msg = await messageRepository.findById(tx.m, item.messageId);
        if (msg) {
          await messageRepository.update(tx.m, msg.id, { deliveryState: final ? 'failed' : 'queued', deliveryError: final ? reason : `retrying: ${reason}` });
          tx.emit('message.updated', { ticketId: msg.ticketId, messageId: msg.id, audience: msg.audience });
        }
      }
    });
  }

  // A message is `sent` when every delivery it needed has gone out.
  private async settleMessage(tx: Parameters<Parameters<Db['transaction']>[0]>[0], messageId: number, externalId: string | null): Promise<void> {
    // The message row first, locked: a bounce marking it failed meanwhile (the ingest's loop
    // guard) either commits before this read, which then sees it, or waits for this commit.
    const msg = await messageRepository.findByIdForUpdate(tx.m, messageId);
    if (!msg) return;
    const items = await outboxRepository.byMessage(tx.m, messageId);
    const pending = items.some((i) => i.state === 'queued');
    const failed = items.find((i) => i.state === 'failed');
    // A bounce can be read before the send that caused it is settled here (the relay answered,
    // then the report came in first): the bounce's "failed" stands, it is not overwritten.
    const bounced = !failed && !pending && msg.deliveryState === 'failed';
    const patch: Record<string, unknown> = bounced ? {} : { deliveryState: failed ? 'failed' : pending ? 'queued' : 'sent', deliveryError: failed?.lastError ?? null };
    if (externalId && !msg.externalId) patch.externalId = externalId;
    if (!Object.keys(patch).length) return;
    await messageRepository.update(tx.m, messageId, patch);
    tx.emit('message.updated', { ticketId: msg.ticketId, messageId, audience: msg.audience });
  }

  // An agent's "retry" on a failed message: its failed deliveries become due now.
  async retryMessage(messageId: number): Promise<number> {
    const n = await this.db.transaction(async (tx) => {
      const items = (await outboxRepository.byMessage(tx.m, messageId)).filter((i) => i.state === 'failed');
      for (const i of items) await outboxRepository.update(tx.m, i.id, { state: 'queued', nextAttemptAt: this.now(), attempts: 0, lockedUntil: null });
      if (items.length) await messageRepository.update(tx.m, messageId, { deliveryState: 'queued', deliveryError: null });
      return items.length;
    });
    this.poke();
    return n;
  }
}
