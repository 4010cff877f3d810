import type { SlaClockState, SlaPolicy, SlaTarget, TargetClock } from '../../db/entities';
import { addBusinessMs, type BusinessCalendar, businessMsBetween } from '../business-time';

const MIN = 60_000;

// What the clock needs to know about a ticket at the moment of a change.
export interface ClockInput {
  status: string;
  automatic: boolean;
  // Snoozed (until a time or the customer's answer): pending-like, the clock pauses.
  snoozed: boolean;
  createdAt: number;
  firstResponseAt: number | null;
  // The first customer message still unanswered after the last agent reply (null: none waits).
  waitingSince: number | null;
}

export interface SlaOutcome { target: SlaTarget; met: boolean; startedAt: number; endedAt: number; spentMs: number; targetMs: number }

// The clock stopped or started again at this change, for a reason the ticket's status does not
// show (a snooze), with the due times it moved: the ticket's history explains it.
export interface ClockPause {
  kind: 'paused' | 'resumed';
  by: 'snooze';
  // For a resume: how long the clock stood still, wall time.
  pausedMs: number | null;
  due: { target: SlaTarget; dueAt: number | null }[];
  // Targets whose warning was given for an earlier due time and will be given again.
  rearmed: SlaTarget[];
}

export interface ClockResult {
  state: SlaClockState;
  outcomes: SlaOutcome[];
  next: { target: SlaTarget; dueAt: number } | null;
  alertAt: number | null;
  pause: ClockPause | null;
}

export function targetsOf(p: Pick<SlaPolicy, 'firstResponseMinutes' | 'nextResponseMinutes' | 'resolutionMinutes'>): Partial<Record<SlaTarget, number>> {
  const out: Partial<Record<SlaTarget, number>> = {};
  if (p.firstResponseMinutes) out.first_response = p.firstResponseMinutes * MIN;
  if (p.nextResponseMinutes) out.next_response = p.nextResponseMinutes * MIN;
  if (p.resolutionMinutes) out.resolution = p.resolutionMinutes * MIN;
  return out;
}

// The clock runs while the ticket waits on us: new or open. Pending (waiting on the customer)
// and snoozed (put aside until a time or the customer's answer, as "on hold" elsewhere) pause
// it; solved and closed stop it; a ticket opened by automatic mail never starts one.
export function clockRuns(status: string, automatic: boolean, snoozed = false): boolean {
  return !automatic && !snoozed && (status === 'new' || status === 'open');
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
  const running = clockRuns(input.status, input.automatic, input.snoozed);
  // Paused by the snooze alone (its status would let the clock run): the history says so.
  const pausedBy = !running && input.snoozed && clockRuns(input.status, input.automatic) ? 'snooze' as const : undefined;
  const resumed = running && !base.running;
  const rearmed: SlaTarget[] = [];
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
    // A pause moved the due time out: a warning given for the earlier one is given again
    // before the new one (a breach stays a breach — the time spent does not shrink).
    if (resumed && c.warned && !c.breached && c.dueAt !== null && (c.warnedFor ?? -Infinity) < c.dueAt) {
      c.warned = false;
      delete c.warnedFor;
      rearmed.push(k);
    }
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
  const state: SlaClockState = { at: now, running, policyId: policy?.id ?? null, targets, ...(pausedBy ? { pausedBy, pausedAt: base.pausedBy === pausedBy && base.pausedAt !== undefined ? base.pausedAt : now } : {}) };
  const due = (Object.entries(targets) as [SlaTarget, TargetClock][]).map(([target, c]) => ({ target, dueAt: c.dueAt }));
  let pause: ClockPause | null = null;
  if (pausedBy && !base.pausedBy && base.running && due.length) pause = { kind: 'paused', by: pausedBy, pausedMs: null, due: (Object.entries(base.targets) as [SlaTarget, TargetClock][]).filter(([k]) => targets[k]).map(([target, c]) => ({ target, dueAt: c.dueAt })), rearmed: [] };
  else if (resumed && base.pausedBy === 'snooze' && due.length) pause = { kind: 'resumed', by: 'snooze', pausedMs: base.pausedAt !== undefined ? now - base.pausedAt : null, due, rearmed };
  return { state, outcomes, next, alertAt, pause };
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
      c.warnedFor = c.dueAt;
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
