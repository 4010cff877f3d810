import type { Services } from '../../services';
import { startClusterJob } from '../../jobs/cluster-job';
import { ruleEngineOf } from './rule-engine-registry';
import { sweepTimeRules, TIME_RULES_JOB } from './time-sweep';

// Rules listen to the bus after each commit; every firing is timed at the moment it is handled.
export function subscribeRules(s: Services): void {
  const engine = ruleEngineOf(s);
  s.bus.on('ticket.created', ({ ticketId }) => engine.fire({ trigger: 'ticket_created', ticketId, at: s.now() }));
  s.bus.on('message.created', (e) => {
    if (e.audience !== 'staff') return engine.fire({ trigger: 'message_received', ticketId: e.ticketId, messageId: e.messageId, cause: e.cause, at: s.now() });
  });
  s.bus.on('ticket.updated', async (e) => {
    if (e.changes.includes('status')) await engine.fire({ trigger: 'status_changed', ticketId: e.ticketId, cause: e.cause, at: s.now() });
    if (e.changes.includes('assignee')) await engine.fire({ trigger: 'assigned', ticketId: e.ticketId, cause: e.cause, at: s.now() });
  });
  s.bus.on('sla.warning', (e) => engine.fire({ trigger: 'sla_warning', ticketId: e.ticketId, at: s.now() }));
  s.bus.on('sla.breached', (e) => engine.fire({ trigger: 'sla_breached', ticketId: e.ticketId, at: s.now() }));
}

export function startTimeRules(s: Services): () => Promise<void> {
  const engine = ruleEngineOf(s);
  return startClusterJob(s, TIME_RULES_JOB, s.config.CHORUS_AUTOMATION_SWEEP_MS, async (now) => {
    await sweepTimeRules(s, engine, now);
  });
}
