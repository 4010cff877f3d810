import type { AutomationRule, AutomationRun } from '../../db/entities';
import { parseRule } from './rule-engine';

export function presentRule(r: AutomationRule) {
  const parsed = parseRule(r);
  return {
    id: r.id, name: r.name, enabled: r.enabled, position: r.position,
    trigger: parsed?.trigger ?? { type: r.trigger, ...(r.triggerConfig ?? {}) },
    conditions: parsed?.conditions ?? r.conditions ?? [], actions: parsed?.actions ?? r.actions ?? [],
    // A rule saved by an older version that no longer validates is kept but never runs.
    valid: !!parsed,
    createdAt: new Date(r.createdAt).toISOString(), updatedAt: new Date(r.updatedAt).toISOString(),
  };
}

export function presentRun(x: AutomationRun) {
  return { id: x.id, ticketId: x.ticketId, trigger: x.trigger, outcome: x.outcome, actions: x.actions, steps: x.steps ?? [], at: new Date(x.createdAt).toISOString() };
}
