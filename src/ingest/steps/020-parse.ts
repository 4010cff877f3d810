import type { Step } from '../context';

// Step 2: turn the stored raw item into the one inbound shape. A parser that returns null
// says the item carries nothing to store (a read receipt, a typing ping).
export const parse: Step = async (ctx, deps) => {
  const msg = await deps.parsers.get(ctx.item.rawType)(ctx.item.raw, ctx.inbox);
  if (!msg) {
    ctx.outcome = { state: 'ignored', note: 'nothing to store in this item' };
    return 'stop';
  }
  ctx.msg = msg;
};
