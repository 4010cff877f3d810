import { automationRuleRepository } from '../../../db/repositories/automation-rule.repository';
import { NotFoundError } from '../../../errors';
import type { Services } from '../../../services';
import { ruleEngineOf } from '../rule-engine-registry';

export async function setRuleEnabled(s: Services, id: number, enabled: boolean): Promise<void> {
  await s.db.transaction(async ({ m }) => {
    if (!(await automationRuleRepository.findById(m, id))) throw new NotFoundError('Rule');
    await automationRuleRepository.update(m, id, { enabled, updatedAt: s.now() });
  });
  ruleEngineOf(s).invalidate();
}

// Rules run in order: moving one swaps it with its neighbour (positions are renumbered 1…n).
export async function moveRule(s: Services, id: number, direction: 'up' | 'down'): Promise<void> {
  await s.db.transaction(async ({ m }) => {
    const rules = await automationRuleRepository.list(m);
    const i = rules.findIndex((r) => r.id === id);
    if (i < 0) throw new NotFoundError('Rule');
    const j = direction === 'up' ? i - 1 : i + 1;
    if (j < 0 || j >= rules.length) return;
    [rules[i], rules[j]] = [rules[j], rules[i]];
    for (const [k, r] of rules.entries()) if (r.position !== k + 1) await automationRuleRepository.update(m, r.id, { position: k + 1 });
  });
  ruleEngineOf(s).invalidate();
}

export async function deleteRule(s: Services, id: number): Promise<void> {
  const gone = await s.db.write((m) => automationRuleRepository.remove(m, id));
  if (!gone) throw new NotFoundError('Rule');
  ruleEngineOf(s).invalidate();
}
