import type { EntityManager } from 'typeorm';
import type { AutomationRun } from '../../db/entities';
import { automationRuleRepository } from '../../db/repositories/automation-rule.repository';

type RunRow = Omit<AutomationRun, 'id'>;

// What one pass of the rules over one ticket keeps in memory (a pass is one transaction, see
// RuleEngine): the loop guard's hourly budget, read once and then counted on as rules act, and
// the run rows, written together when the pass ends.
export class RulePass {
  private used?: { actions: number; limited: boolean };
  private rows: RunRow[] = [];

  // `used`: the budget when the caller already read it (the pass's first read carries it).
  constructor(readonly m: EntityManager, readonly ticketId: number, private since: number, used?: { actions: number; limited: boolean }) {
    this.used = used && { ...used };
  }

  // Automatic actions on this ticket within the hour, this pass's own included.
  async budget(): Promise<{ actions: number; limited: boolean }> {
    this.used ??= await automationRuleRepository.budgetUsed(this.m, this.ticketId, this.since);
    return { ...this.used };
  }

  // Actions that will be carried out later in this pass (put together, see RuleEngine) count
  // against the budget now; their run is recorded with `counted` once they are done.
  reserve(actions: number): void {
    if (this.used) this.used.actions += actions;
  }

  // A run that ended: its actions count against the budget at once, its row is written at the end.
  async record(row: RunRow, claimedId: number | null, counted = false): Promise<void> {
    // Only a run that asked the budget can have spent from it (or been limited by it).
    if (this.used) {
      if (!counted) this.used.actions += row.actions;
      if (row.outcome === 'limited') this.used.limited = true;
    }
    if (claimedId) await automationRuleRepository.finishRun(this.m, claimedId, { outcome: row.outcome, actions: row.actions, steps: row.steps });
    else this.rows.push(row);
  }

  async flush(): Promise<void> {
    const rows = this.rows;
    this.rows = [];
    await automationRuleRepository.insertRuns(this.m, rows);
  }
}
