import type { Step } from '../context';

// Step 7: after the commit, tell the rest of Chorus (realtime, automations, notifications).
// Historic (imported) mail tells no one: an archive must not start auto-answers or notifications.
export const publish: Step = async (ctx, deps) => {
  if (ctx.item.historic) {
    ctx.events = [];
    return;
  }
  deps.db.bus.publish(ctx.events);
  ctx.events = [];
};
