import type { AutomationRun, EventCause } from '../../db/entities';
import { ANONYMOUS } from '../../policies/viewer';
import { type AutomaticChange, applyAutomaticChanges } from '../../tickets/commands/apply-automatic-changes';
import type { CommandDeps } from '../../tickets/commands/command-deps';
import { type Change, executeActions, type ExecutedStep, type PlannedStep, type TicketState } from '../actions';
import type { RulePass } from './rule-pass';
import type { ParsedRule } from './rule-schema';

export type RunBase = Pick<AutomationRun, 'ruleId' | 'ticketId' | 'trigger' | 'triggerKey' | 'createdAt'>;

// Changes whose whole effect on what conditions read is what the planner applies to its copy,
// and that applyAutomaticChanges can carry out together.
const BATCHED = new Set<Change['kind']>(['tag.add', 'tag.remove', 'priority']);

export const batchable = (plan: PlannedStep[]): boolean => plan.every((p) => !p.change || BATCHED.has(p.change.kind));

export function runRow(base: RunBase, outcome: string, steps: (PlannedStep | ExecutedStep)[], actions: number): Omit<AutomationRun, 'id'> {
  return {
    ...base, outcome, actions,
    steps: steps.map((x) => ({ summary: x.summary, outcome: 'outcome' in x ? x.outcome : 'planned', ...('error' in x && x.error ? { error: x.error } : {}) })),
  };
}

interface Waiting {
  rule: ParsedRule;
  cause: EventCause;
  base: RunBase;
  plan: PlannedStep[];
}

// The matched rules of a pass whose changes are all tags and priority wait here and are carried
// out as one change when the pass ends or before anything else writes to the ticket: one write
// of the ticket and its tags, one count update, one chain append, and still a TicketEvent per
// change and a run row per rule. Later rules' conditions read the planner's copy meanwhile, as
// they would after the changes.
export class ChangeBatch {
  private before: TicketState | null = null;
  private waiting: Waiting[] = [];
  // Set when the changes could not all be carried out as planned: the pass reads the ticket again.
  stale = false;

  constructor(private pass: RulePass, private commands: CommandDeps, private publicUrl: string) {}

  // `before`: the ticket as the rule's plan started from (the batch keeps the first one).
  add(before: TicketState, w: Waiting): void {
    this.before ??= { ticket: { ...before.ticket }, tags: new Set(before.tags) };
    this.waiting.push(w);
  }

  async flush(): Promise<void> {
    const { before, waiting } = this;
    if (!before || !waiting.length) return;
    this.before = null;
    this.waiting = [];
    const items = waiting.flatMap((w) => w.plan.filter((p) => p.change).map((p) => ({ cause: w.cause, change: p.change as AutomaticChange })));
    let outcomes: ExecutedStep[][];
    try {
      await applyAutomaticChanges(this.commands, ANONYMOUS, before, items);
      outcomes = waiting.map((w) => w.plan.map((p) => ({ ...p, outcome: p.change ? 'done' as const : 'skipped' as const })));
    } catch {
      // One by one instead, each command checking the ticket for itself and failing alone.
      outcomes = [];
      for (const w of waiting) {
        outcomes.push(await executeActions({ commands: this.commands, publicUrl: this.publicUrl }, before.ticket.id, w.rule.actions, { viewer: ANONYMOUS, cause: w.cause }, w.plan, before.ticket));
      }
      this.stale = true;
    }
    for (let i = 0; i < waiting.length; i++) {
      const steps = outcomes[i];
      // Their actions were counted against the budget when they joined the batch.
      await this.pass.record(runRow(waiting[i].base, 'done', steps, steps.filter((x) => x.outcome === 'done').length), null, true);
    }
  }
}
