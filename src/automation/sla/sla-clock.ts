import type { SlaClockState, SlaPolicy, SlaTarget, TargetClock } from '../../db/entities';
import { addBusinessMs, type BusinessCalendar, businessMsBetween } from '../business-time';

const MIN = 60_000;

// What the clock needs to know about a ticket at the moment of a change.
export interface ClockInput {
  status: string;
  automatic: boolean;
  createdAt: number;
  firstResponseAt: number | null;
  // The first customer message still unanswered after the last agent reply (null: none waits).
  waitingSince: number | null;
}

export interface SlaOutcome { target: SlaTarget; met: boolean; startedAt: number; endedAt: number; spentMs: number; targetMs: number }

export interface ClockResult {
  state: SlaClockState;
  outcomes: SlaOutcome[];
  next: { target: SlaTarget; dueAt: number } | null;
  alertAt: number | null;
}

export function targetsOf(p: Pick<SlaPolicy, 'firstResponseMinutes' | 'nextResponseMinutes' | 'resolutionMinutes'>): Partial<Record<SlaTarget, number>> {
  const out: Partial<Record<SlaTarget, number>> = {};
  if (p.firstResponseMinutes) out.first_response = p.firstResponseMinutes * MIN;
  if (p.nextResponseMinutes) out.next_response = p.nextResponseMinutes * MIN;
  if (p.resolutionMinutes) out.resolution = p.resolutionMinutes * MIN;
  return out;
}

// The clock runs while the ticket waits on us: new or open. Pending (waiting on the customer)
// pauses it; solved and closed stop it; a ticket opened by automatic mail never starts one.
export function clockRuns(status: string, automatic: boolean): boolean {
  return !automatic && (status === 'new' || status === 'open');
}

function wanted(input: ClockInput, targets: Partial<Record<SlaTarget, number>>): Partial<Record<SlaTarget, number>> {
  if (input.automatic || input.status === 'solved' || input.status === 'closed') return {};
  const out: Partial<Record<SlaTarget, number>> = {};
  if (targets.first_response && input.firstResponseAt === null) out.first_response = input.createdAt;
  if (targets.next_response && input.firstResponseAt !== null && input.waitingSince !== null) out.next_response = input.waitingSince;
  if (targets.resolution) out.resolution = input.createdAt;
  return out;
}

/**
 * Brings a ticket's SLA clock up to `now`: charges the business time since the last change to
 * the targets that were running, ends the targets that were answered (their outcome), starts
 * the ones now owed, and computes each running target's due time. A state of null (a clock
 * never seen, e.g. migrated) is read as running since the ticket was created.
 */
export function advanceClock(prev: SlaClockState | null, policy: SlaPolicy | null, input: ClockInput, cal: BusinessCalendar | null, now: number): ClockResult {
  const base: SlaClockState = prev ?? { at: input.createdAt, running: true, policyId: policy?.id ?? null, targets: {} };
  const targets: Partial<Record<SlaTarget, TargetClock>> = {};
  for (const [k, v] of Object.entries(base.targets) as [SlaTarget, TargetClock][]) {
    const spent = base.running ? businessMsBetween(cal, Math.max(v.startedAt, base.at), now) : 0;
    targets[k] = { ...v, spentMs: v.spentMs + spent };
  }
  const goals = policy ? targetsOf(policy) : {};
  const want = policy ? wanted(input, goals) : {};
  const outcomes: SlaOutcome[] = [];
  for (const [k, clock] of Object.entries(targets) as [SlaTarget, TargetClock][]) {
    const startAt = want[k];
    if (startAt === clock.startedAt) continue;
    delete targets[k];
    // A policy that stopped applying ends its clocks without a verdict; an answer ends them with one.
    if (policy && base.policyId !== null) outcomes.push({ target: k, met: clock.spentMs <= clock.targetMs, startedAt: clock.startedAt, endedAt: now, spentMs: clock.spentMs, targetMs: clock.targetMs });
  }
  const running = clockRuns(input.status, input.automatic);
  for (const [k, startAt] of Object.entries(want) as [SlaTarget, number][]) {
    const fresh = !targets[k];
    if (fresh) targets[k] = { startedAt: startAt, spentMs: running && startAt < now ? businessMsBetween(cal, startAt, now) : 0, targetMs: goals[k]!, dueAt: null };
    const c = targets[k]!;
    c.targetMs = goals[k]!;
    if (!running) c.dueAt = null;
    else if (c.spentMs < c.targetMs) c.dueAt = addBusinessMs(cal, now, c.targetMs - c.spentMs);
    // Already past its target: the due time stays where it was; first seen late (a migrated
    // clock, a policy that just began to apply), it is when the target ran out since its start.
    else c.dueAt = c.dueAt ?? (fresh ? addBusinessMs(cal, c.startedAt, c.targetMs) : now);
  }
  let next: ClockResult['next'] = null;
  let alertAt: number | null = null;
  const warnMs = (policy?.warnBeforeMinutes ?? 0) * MIN;
  for (const [k, c] of Object.entries(targets) as [SlaTarget, TargetClock][]) {
    if (c.dueAt === null) continue;
    if (!next || c.dueAt < next.dueAt) next = { target: k, dueAt: c.dueAt };
    const at = !c.warned && warnMs > 0 && !c.breached ? c.dueAt - warnMs : !c.breached ? c.dueAt : null;
    if (at !== null && (alertAt === null || at < alertAt)) alertAt = at;
  }
  return { state: { at: now, running, policyId: policy?.id ?? null, targets }, outcomes, next, alertAt };
}

export type SlaAlert = { kind: 'warning' | 'breached'; target: SlaTarget; dueAt: number };

// Marks and returns what is due to fire at `now` on an advanced clock: each target warns once
// and breaches once. A breach found before its warning fired skips the late warning.
export function takeAlerts(state: SlaClockState, warnBeforeMinutes: number, now: number): SlaAlert[] {
  const out: SlaAlert[] = [];
  const warnMs = warnBeforeMinutes * MIN;
  for (const [k, c] of Object.entries(state.targets) as [SlaTarget, TargetClock][]) {
    if (c.dueAt === null) continue;
    if (!c.breached && c.dueAt <= now) {
      c.breached = true;
      c.warned = true;
      out.push({ kind: 'breached', target: k, dueAt: c.dueAt });
    } else if (!c.warned && !c.breached && warnMs > 0 && c.dueAt - warnMs <= now) {
      c.warned = true;
      out.push({ kind: 'warning', target: k, dueAt: c.dueAt });
    }
  }
  return out;
}

export function nextAlertAt(state: SlaClockState, warnBeforeMinutes: number): number | null {
  let at: number | null = null;
  for (const c of Object.values(state.targets)) {
    if (!c || c.dueAt === null || c.breached) continue;
    const t = !c.warned && warnBeforeMinutes > 0 ? c.dueAt - warnBeforeMinutes * MIN : c.dueAt;
    if (at === null || t < at) at = t;
  }
  return at;
}
