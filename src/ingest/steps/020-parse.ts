import type { Step } from '../context';

// Step 2: turn the stored raw item into the one inbound shape. A parser that returns null, or
// the reason it ignores the item, says the item carries nothing to store (a read receipt, a
// typing ping); the reason stays on the ledger row.
export const parse: Step = async (ctx, deps) => {
  const msg = await deps.parsers.get(ctx.item.rawType)(ctx.item.raw, ctx.inbox);
  if (!msg || 'ignore' in msg) {
    ctx.outcome = { state: 'ignored', note: msg?.ignore ?? 'nothing to store in this item' };
    return 'stop';
  }
  // A time no page could show (NaN, a string) never reaches the store: the receive time stands
  // in, and the message says so. (Social adapters also refuse implausible dates, platform-time.ts;
  // an archive import may rightly carry mail from last century.)
  if (msg.receivedAt !== undefined && !isStorableTime(msg.receivedAt)) {
    msg.flags = { ...(msg.flags ?? {}), timeNote: `the platform's time ${JSON.stringify(msg.receivedAt)} is not a valid time; the receive time is shown` };
    msg.receivedAt = ctx.item.receivedAt;
  } else if (msg.receivedAt === undefined && msg.flags?.timeNote) {
    msg.receivedAt = ctx.item.receivedAt;
  }
  ctx.msg = msg;
};

const YEAR_2000 = 946_684_800_000;

export function isStorableTime(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 8.64e15;
}

export function isPlausibleTime(v: unknown, now: number): v is number {
  return typeof v === 'number' && Number.isFinite(v) && Number.isInteger(v) && v >= YEAR_2000 && v <= now + 86_400_000;
}
