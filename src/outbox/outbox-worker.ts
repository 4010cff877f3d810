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
// A sender delivers one outbox item of its kind or throws (PermanentDeliveryError, RetryLaterError, anything else = retry).
export type Sender = (item: OutboxItem) => Promise<SendResult | void>;

const LEASE_MS = 120_000;

export class OutboxWorker {
  private senders = new Map<string, Sender>();
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private again = false;
  private stopped = true;

  constructor(private db: Db, private logger: Logger, private metrics: Metrics, private now: () => number, private pollMs = 1000) {}

  register(kind: string, sender: Sender): void {
    this.senders.set(kind, sender);
  }

  start(): void {
    this.stopped = false;
    this.db.bus.on('message.created', () => this.poke());
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    while (this.running) await new Promise((r) => setTimeout(r, 20));
  }

  poke(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else void this.drain();
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.drain(), this.pollMs);
    this.timer.unref();
  }

  // Delivers every due item; safe to run on several nodes at once (rows are claimed).
  async drain(): Promise<number> {
    if (this.running) {
      this.again = true;
      return 0;
    }
    this.running = true;
    let n = 0;
    try {
      do {
        this.again = false;
        for (;;) {
          const item = await this.db.write((m) => outboxRepository.claimDue(m, this.now(), LEASE_MS));
          if (!item) break;
          await this.deliver(item);
          n++;
        }
      } while (this.again && !this.stopped);
    } catch (err) {
      this.logger.error({ err }, 'outbox drain failed');
    } finally {
      this.running = false;
      this.schedule();
    }
    return n;
  }

  private async deliver(item: OutboxItem): Promise<void> {
    const sender = this.senders.get(item.kind);
    try {
      if (!sender) throw new Error(`No sender is configured for ${item.kind} deliveries`);
      const r = (await sender(item)) || {};
      this.metrics.outbox.inc({ kind: item.kind, result: 'sent' });
      await this.db.transaction(async (tx) => {
        await outboxRepository.update(tx.m, item.id, { state: 'sent', sentAt: this.now(), externalId: r.externalId ?? null, lastError: null, lockedUntil: null });
        if (item.messageId) await this.settleMessage(tx, item.messageId, r.externalId ?? null);
      });
    } catch (err) {
      const reason = (err as Error)?.message ?? String(err);
      const final = isPermanent(err) || item.attempts >= MAX_ATTEMPTS;
      this.metrics.outbox.inc({ kind: item.kind, result: final ? 'failed' : 'retry' });
      this.logger.warn({ itemId: item.id, kind: item.kind, attempts: item.attempts, reason }, final ? 'delivery failed' : 'delivery will be retried');
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
  }

  // A message is `sent` when every delivery it needed has gone out.
  private async settleMessage(tx: Parameters<Parameters<Db['transaction']>[0]>[0], messageId: number, externalId: string | null): Promise<void> {
    const items = await outboxRepository.byMessage(tx.m, messageId);
    const msg = await messageRepository.findById(tx.m, messageId);
    if (!msg) return;
    const pending = items.some((i) => i.state === 'queued');
    const failed = items.find((i) => i.state === 'failed');
    const patch: Record<string, unknown> = { deliveryState: failed ? 'failed' : pending ? 'queued' : 'sent', deliveryError: failed?.lastError ?? null };
    if (externalId && !msg.externalId) patch.externalId = externalId;
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
