import type { RawItem } from '../channels/inbound-message';
import type { InboundItem, Inbox } from '../db/entities';
import { inboundItemRepository } from '../db/repositories/inbound-item.repository';
import { inboxRepository } from '../db/repositories/inbox.repository';
import type { IngestContext, IngestDeps, Step } from './context';
import { recordItems, type Recorded } from './steps/010-record';
import { parse } from './steps/020-parse';
import { loopGuard } from './steps/030-loop-guard';
import { identify } from './steps/040-identify';
import { thread } from './steps/050-thread';
import { persist } from './steps/060-persist';
import { publish } from './steps/070-publish';

export const STEPS: [string, Step][] = [
  ['parse', parse],
  ['loop-guard', loopGuard],
  ['identify', identify],
  ['thread', thread],
  ['persist', persist],
  ['publish', publish],
];

export interface ProcessResult {
  itemId: number;
  state: string;
  ticketId: number | null;
  messageId: number | null;
  error?: string | null;
  duplicate?: boolean;
}

// How long a claim keeps other workers off a row; as long as replay waits for a `received` row.
const CLAIM_LEASE_MS = 30_000;

export class IngestPipeline {
  constructor(readonly deps: IngestDeps) {}

  // Records the items (the sender may be answered once this resolves), nothing more.
  record(inbox: Inbox, items: RawItem[]): Promise<Recorded[]> {
    return recordItems(this.deps, inbox, items);
  }

  // Records then processes; a redelivered key is reported, and retried if it had failed.
  async ingest(inbox: Inbox, items: RawItem[]): Promise<ProcessResult[]> {
    const recorded = await this.record(inbox, items);
    const out: ProcessResult[] = [];
    for (const r of recorded) {
      if (r.duplicate && r.state !== 'failed') {
        const row = await inboundItemRepository.findById(this.deps.db.m, r.id);
        out.push({ itemId: r.id, state: row!.state, ticketId: row!.ticketId, messageId: row!.messageId, duplicate: true });
      } else {
        out.push({ ...(await this.process(r.id)), duplicate: r.duplicate });
      }
    }
    return out;
  }

  // Runs the steps for one ledger row. Claims it first so two workers never process it twice.
  async process(itemId: number): Promise<ProcessResult> {
    const { db } = this.deps;
    const item = await inboundItemRepository.findById(db.m, itemId);
    if (!item) throw new Error(`No inbound item ${itemId}`);
    if (item.state === 'processed' || item.state === 'ignored') return resultOf(item);
    if (!(await this.claim(item))) return resultOf((await inboundItemRepository.findById(db.m, itemId))!);

    const inbox = await inboxRepository.findById(db.m, item.inboxId);
    const ctx: IngestContext = { item, inbox: inbox!, participantContactIds: [], events: [] };
    let stepName = 'load';
    try {
      if (!inbox) throw new Error(`Inbox ${item.inboxId} no longer exists`);
      for (const [name, step] of STEPS) {
        stepName = name;
        if ((await step(ctx, this.deps)) === 'stop') break;
      }
      if (ctx.outcome?.state === 'ignored') {
        await db.write((m) => inboundItemRepository.update(m, item.id, {
          state: 'ignored', error: ctx.outcome!.note ?? null, processedAt: this.deps.now(),
          ticketId: ctx.item.ticketId, messageId: ctx.item.messageId, flags: ctx.msg?.noise ? { ...ctx.msg.noise } : null,
        }));
      }
      this.deps.onOutcome?.(item.channel, ctx.outcome?.state ?? 'processed');
      return resultOf((await inboundItemRepository.findById(db.m, item.id))!);
    } catch (err) {
      const error = `${stepName}: ${(err as Error).message ?? String(err)}`;
      this.deps.logger.warn({ itemId: item.id, err }, 'inbound item failed');
      await db.write((m) => inboundItemRepository.update(m, item.id, { state: 'failed', error: error.slice(0, 4000), claimedAt: null }));
      this.deps.onOutcome?.(item.channel, 'failed');
      db.bus.publish([{ name: 'inbound.failed', payload: { itemId: item.id, error } }]);
      return { itemId: item.id, state: 'failed', ticketId: null, messageId: null, error };
    }
  }

  // Retries failed rows (and rows left `received` by a crash) oldest first.
  async replay(opts: { limit?: number; includeStale?: boolean } = {}): Promise<ProcessResult[]> {
    const m = this.deps.db.m;
    const limit = opts.limit ?? 1000;
    const rows: InboundItem[] = await inboundItemRepository.listByState(m, 'failed', limit);
    if (opts.includeStale !== false) rows.push(...(await inboundItemRepository.listByState(m, 'received', limit, { receivedBefore: this.deps.now() - 30_000 })));
    const out: ProcessResult[] = [];
    for (const r of rows) out.push(await this.process(r.id));
    return out;
  }

  // One worker at a time: the row must be unfinished, unchanged since we read it, and not held by
  // a live claim of another worker (a failed row's claim is released; a crash's goes stale).
  private async claim(item: InboundItem): Promise<boolean> {
    const { db } = this.deps;
    const now = this.deps.now();
    const won = await db.write((m) => inboundItemRepository.claim(m, item.id, item.attempts, now, now - CLAIM_LEASE_MS));
    if (won) item.attempts += 1;
    return won;
  }
}

function resultOf(i: InboundItem): ProcessResult {
  return { itemId: i.id, state: i.state, ticketId: i.ticketId, messageId: i.messageId, error: i.error };
}
