import type { RawItem } from '../channels/inbound-message';
import type { InboundItem, Inbox } from '../db/entities';
import { inboundItemRepository } from '../db/repositories/inbound-item.repository';
import { inboxRepository } from '../db/repositories/inbox.repository';
import type { IngestContext, IngestDeps, Step } from './context';
import { ClaimLostError } from '../errors';
import { recordItems, unfinished, type Recorded } from './steps/010-record';
import { parse } from './steps/020-parse';
import { loopGuard } from './steps/030-loop-guard';
import { applyAction } from './steps/033-apply-action';
import { forwarded } from './steps/035-forwarded';
import { identify } from './steps/040-identify';
import { maskCards } from './steps/045-mask-cards';
import { thread } from './steps/050-thread';
import { persist } from './steps/060-persist';
import { publish } from './steps/070-publish';

// Steps that read the raw item and the store but write nothing of the item's own (a bounce
// marks the outbound message it reports; an action settles the row in its own transaction).
// They run outside the item's transaction: a slow parse of a large mail holds no write lock, and
// nothing that takes a turn of the event loop (mailparser's streams) runs with one open.
const PREPARE: [string, Step][] = [
  ['parse', parse],
  ['loop-guard', loopGuard],
  ['apply-action', applyAction],
  ['forwarded', forwarded],
  ['mask-cards', maskCards],
];
// Steps that store the item: contact, thread, ticket, message and the ledger row's outcome, all
// in ONE transaction (one commit per item instead of one per step), so a failure anywhere leaves
// nothing behind, not even the contact. Their writes join it (see Db.within); a contact another
// node created a moment ago is a unique violation in a savepoint that rolls back alone.
const STORE: [string, Step][] = [
  ['identify', identify],
  ['thread', thread],
  ['persist', persist],
];
export const STEPS: [string, Step][] = [...PREPARE, ...STORE, ['publish', publish]];

export interface ProcessResult {
  itemId: number;
  state: string;
  ticketId: number | null;
  messageId: number | null;
  error?: string | null;
  duplicate?: boolean;
}

// How long a claim keeps other workers off a row unless CHORUS_INGEST_LEASE_MS says otherwise.
export const CLAIM_LEASE_MS = 30_000;
// A failed row is retried by the sweep this many times in all, each wait four times the last.
const AUTO_ATTEMPTS = 4;

export interface RecoverResult {
  // Rows the sweep looked at, and what became of them.
  seen: number;
  byState: Record<string, number>;
}

export class IngestPipeline {
  readonly leaseMs: number;
  constructor(readonly deps: IngestDeps) {
    this.leaseMs = deps.leaseMs ?? CLAIM_LEASE_MS;
  }

  // Records the items (the sender may be answered once this resolves), nothing more.
  // `claim`: new rows are born claimed by this worker, which processes them next (see ingest).
  record(inbox: Inbox, items: RawItem[], opts: { claim?: boolean } = {}): Promise<Recorded[]> {
    return recordItems(this.deps, inbox, items, opts);
  }

  // Records then processes. A new row is claimed in the ledger's own commit and processed from
  // the row as written (no claim write, no re-read). A redelivered key is reported as a
  // duplicate, and processed when its row is unfinished (a crash left it `received`, or it
  // failed) and no live claim holds it.
  async ingest(inbox: Inbox, items: RawItem[]): Promise<ProcessResult[]> {
    const recorded = await this.record(inbox, items, { claim: true });
    const out: ProcessResult[] = [];
    for (const r of recorded) {
      if (r.claimed) {
        out.push({ ...(await this.work(r.claimed, inbox)), duplicate: false });
      } else if (!unfinished(r)) {
        const row = await inboundItemRepository.findById(this.deps.db.m, r.id);
        out.push({ itemId: r.id, state: row!.state, ticketId: row!.ticketId, messageId: row!.messageId, duplicate: true });
      } else {
        out.push({ ...(await this.process(r.id)), duplicate: r.duplicate });
      }
    }
    return out;
  }

  // Processes one item recorded with `claim` (the row it holds) or, recorded before by someone
  // else and unfinished, by id like any other.
  async processRecordedItem(r: Recorded, inbox: Inbox): Promise<ProcessResult | null> {
    if (r.claimed) return this.work(r.claimed, inbox);
    return unfinished(r) ? this.process(r.id) : null;
  }

  // Processes the recorded items that still need it, one after the other.
  async processRecorded(recorded: Recorded[]): Promise<void> {
    for (const r of recorded.filter(unfinished)) await this.process(r.id);
  }

  // Runs the steps for one ledger row. Claims it first so two workers never process it twice.
  async process(itemId: number): Promise<ProcessResult> {
    const { db } = this.deps;
    const item = await inboundItemRepository.findById(db.m, itemId);
    if (!item) throw new Error(`No inbound item ${itemId}`);
    if (item.state === 'processed' || item.state === 'ignored') return resultOf(item);
    if (!(await this.claim(item))) return resultOf((await inboundItemRepository.findById(db.m, itemId))!);
    return this.work(item);
  }

  // The steps for a row this worker holds (claimed by attempt `item.attempts`).
  private async work(item: InboundItem, inbox?: Inbox): Promise<ProcessResult> {
    const { db } = this.deps;
    const attempts = item.attempts;
    // Keeps the lease alive however long the steps take, so only a dead worker's claim goes stale.
    const beat = setInterval(() => {
      void db.write((m) => inboundItemRepository.renewClaim(m, item.id, attempts, this.deps.now())).catch(() => undefined);
    }, Math.max(50, Math.floor(this.leaseMs / 3)));
    beat.unref();
    try {
      return await this.runSteps(item, inbox ?? (await inboxRepository.findById(db.m, item.inboxId)));
    } finally {
      clearInterval(beat);
    }
  }

  private async runSteps(item: InboundItem, inbox: Inbox | null): Promise<ProcessResult> {
    const { db } = this.deps;
    const ctx: IngestContext = { item, inbox: inbox!, participantContactIds: [], events: [] };
    let stepName = 'load';
    try {
      if (!inbox) throw new Error(`Inbox ${item.inboxId} no longer exists`);
      const run = async (steps: [string, Step][], deps: IngestDeps) => {
        for (const [name, step] of steps) {
          stepName = name;
          if ((await step(ctx, deps)) === 'stop') return 'stop';
        }
      };
      if ((await run(PREPARE, this.deps)) !== 'stop') {
        await db.transaction((tx) => run(STORE, { ...this.deps, db: db.within(tx) }));
        await run([['publish', publish]], this.deps);
      }
      if (ctx.outcome?.state === 'ignored') {
        const held = await db.write((m) => inboundItemRepository.settle(m, item.id, item.attempts, {
          state: 'ignored', error: ctx.outcome!.note ?? null, processedAt: this.deps.now(),
          ticketId: ctx.item.ticketId, messageId: ctx.item.messageId, flags: ctx.msg?.noise ? { ...ctx.msg.noise } : null,
        }));
        if (!held) throw new ClaimLostError(item.id);
      }
      this.deps.onOutcome?.(item.channel, ctx.outcome?.state ?? 'processed');
      // Stored: persist settled the row with these ids in the transaction that just committed.
      if (ctx.messageId !== undefined && ctx.ticket) return { itemId: item.id, state: 'processed', ticketId: ctx.ticket.id, messageId: ctx.messageId, error: null };
      return resultOf((await inboundItemRepository.findById(db.m, item.id))!);
    } catch (err) {
      if (err instanceof ClaimLostError) {
        this.deps.logger.warn({ itemId: item.id, inboxId: item.inboxId }, 'inbound item was taken over by another worker after this one stalled past its claim');
        return resultOf((await inboundItemRepository.findById(db.m, item.id))!);
      }
      const error = `${stepName}: ${(err as Error).message ?? String(err)}`;
      this.deps.logger.warn({ itemId: item.id, err }, 'inbound item failed');
      const now = this.deps.now();
      const retryAt = item.attempts < AUTO_ATTEMPTS ? now + 2 * this.leaseMs * 4 ** (item.attempts - 1) : null;
      const held = await db.write((m) => inboundItemRepository.settle(m, item.id, item.attempts, { state: 'failed', error: error.slice(0, 4000), claimedAt: null, retryAt }));
      if (held) {
        this.deps.onOutcome?.(item.channel, 'failed');
        db.bus.publish([{ name: 'inbound.failed', payload: { itemId: item.id, error } }]);
      }
      return { itemId: item.id, state: 'failed', ticketId: null, messageId: null, error };
    }
  }

  // One recovery pass: pages through every recoverable row oldest first (each page bounded),
  // until none is left, so no backlog can starve the rows behind it. Safe on several nodes at
  // once: each row is processed by whichever node wins its claim.
  async recover(opts: { pageSize?: number; stopped?: () => boolean } = {}): Promise<RecoverResult> {
    const pageSize = opts.pageSize ?? 100;
    const result: RecoverResult = { seen: 0, byState: {} };
    let afterId = 0;
    for (;;) {
      const now = this.deps.now();
      const rows = await inboundItemRepository.listRecoverable(this.deps.db.m, { staleBefore: now - this.leaseMs, now, afterId, limit: pageSize });
      if (!rows.length) return result;
      for (const row of rows) {
        if (opts.stopped?.()) return result;
        afterId = row.id;
        const r = await this.process(row.id);
        result.seen++;
        result.byState[r.state] = (result.byState[r.state] ?? 0) + 1;
      }
    }
  }

  // Retries failed rows (and rows a crash left `received` past their lease) oldest first.
  async replay(opts: { limit?: number; includeStale?: boolean } = {}): Promise<ProcessResult[]> {
    const m = this.deps.db.m;
    const limit = opts.limit ?? 1000;
    const rows: InboundItem[] = await inboundItemRepository.listByState(m, 'failed', limit);
    if (opts.includeStale !== false) {
      const now = this.deps.now();
      const stale = await inboundItemRepository.listRecoverable(m, { staleBefore: now - this.leaseMs, now, afterId: 0, limit });
      rows.push(...stale.filter((r) => r.state === 'received'));
    }
    const out: ProcessResult[] = [];
    for (const r of rows.slice(0, limit)) out.push(await this.process(r.id));
    return out;
  }

  // One worker at a time: the row must be unfinished, unchanged since we read it, and not held by
  // a live claim of another worker (a failed row's claim is released; a crash's goes stale).
  private async claim(item: InboundItem): Promise<boolean> {
    const { db } = this.deps;
    const now = this.deps.now();
    const won = await db.write((m) => inboundItemRepository.claim(m, item.id, item.attempts, now, now - this.leaseMs));
    if (won) item.attempts += 1;
    return won;
  }
}

function resultOf(i: InboundItem): ProcessResult {
  return { itemId: i.id, state: i.state, ticketId: i.ticketId, messageId: i.messageId, error: i.error };
}
