import type { EntityManager } from 'typeorm';
import type { AutomationRule } from '../../../db/entities';
import { agentRepository } from '../../../db/repositories/agent.repository';
import { automationRuleRepository } from '../../../db/repositories/automation-rule.repository';
import { cannedResponseRepository } from '../../../db/repositories/canned-response.repository';
import { inboxRepository } from '../../../db/repositories/inbox.repository';
import { ConflictError, NotFoundError, ValidationError } from '../../../errors';
import type { Services } from '../../../services';
import { ruleEngineOf } from '../rule-engine-registry';
import type { RuleInput } from '../rule-schema';

// What a rule names must exist when it is saved: the error names the field, like a schema error.
async function checkReferences(m: EntityManager, input: RuleInput): Promise<void> {
  const fields: Record<string, string[]> = {};
  for (const [i, a] of input.actions.entries()) {
    if (a.type === 'assign_agent' && !(await agentRepository.findById(m, a.agentId))?.active) fields[`actions.${i}.agentId`] = ['No active agent has this id.'];
    if ((a.type === 'assign_team' || (a.type === 'assign_round_robin' && a.teamId)) && !(await agentRepository.findTeam(m, a.teamId!))) fields[`actions.${i}.teamId`] = ['No team has this id.'];
    if (a.type === 'reply' && !(await cannedResponseRepository.findById(m, a.cannedResponseId))) fields[`actions.${i}.cannedResponseId`] = ['No canned response has this id.'];
    if (a.type === 'notify_agents') {
      const found = await agentRepository.findByIds(m, a.agentIds);
      if (found.length !== new Set(a.agentIds).size) fields[`actions.${i}.agentIds`] = ['Every id must be an agent.'];
    }
  }
  for (const [i, c] of input.conditions.entries()) {
    if (c.field !== 'inbox') continue;
    for (const id of c.value) if (!(await inboxRepository.findById(m, id))) fields[`conditions.${i}.value`] = [`No inbox has the id ${id}.`];
  }
  const first = Object.entries(fields)[0];
  if (first) throw new ValidationError(`Invalid body field ${first[0]}: ${first[1][0]}`, { fields });
}

function columns(input: RuleInput) {
  const { type, ...config } = input.trigger;
  return { name: input.name, enabled: input.enabled, trigger: type, triggerConfig: config, conditions: input.conditions, actions: input.actions };
}

// Creates (no id) or replaces a rule. A changed trigger starts its time sweep afresh.
export async function saveRule(s: Services, by: number | null, input: RuleInput, id?: number): Promise<AutomationRule> {
  const saved = await s.db.transaction(async ({ m }) => {
    await checkReferences(m, input);
    const same = await automationRuleRepository.findByName(m, input.name);
    if (same && same.id !== id) throw new ConflictError(`A rule called "${input.name}" exists already.`, { fields: { name: ['Choose another name.'] } });
    const now = s.now();
    if (id === undefined) {
      const newId = await automationRuleRepository.insert(m, { ...columns(input), position: await automationRuleRepository.nextPosition(m), sweptUntil: null, createdBy: by, createdAt: now, updatedAt: now });
      return (await automationRuleRepository.findById(m, newId))!;
    }
    const old = await automationRuleRepository.findById(m, id);
    if (!old) throw new NotFoundError('Rule');
    const cols = columns(input);
    const resweep = old.trigger !== cols.trigger || JSON.stringify(old.triggerConfig) !== JSON.stringify(cols.triggerConfig);
    await automationRuleRepository.update(m, id, { ...cols, updatedAt: now, ...(resweep ? { sweptUntil: null } : {}) });
    return (await automationRuleRepository.findById(m, id))!;
  });
  ruleEngineOf(s).invalidate();
  return saved;
}
