import type { Step } from '../context';

// Step 7: after the commit, tell the rest of Chorus (realtime, automations, notifications).
export const publish: Step = async (ctx, deps) => {
  deps.db.bus.publish(ctx.events);
  ctx.events = [];
};
