import type { Router } from 'express';
import { z } from 'zod';
import { automationRuleRepository } from '../../db/repositories/automation-rule.repository';
import { NotFoundError } from '../../errors';
import { defineRoute } from '../../http/route';
import { automationPolicy } from '../../policies/automation.policy';
import type { Viewer } from '../../policies/viewer';
import type { Services } from '../../services';
import { deleteRule, moveRule, setRuleEnabled } from './commands/change-rule';
import { saveRule } from './commands/save-rule';
import { dryRun } from './dry-run';
import { parseRule } from './rule-engine';
import { presentRule, presentRun } from './rule.presenter';
import { ruleInputSchema } from './rule-schema';

const agentIdOf = (v: Viewer) => (v.kind === 'agent' ? v.agentId : null);
const idParams = z.object({ id: z.coerce.number().int().positive() });

async function loadRule(s: Services, id: number) {
  const row = await automationRuleRepository.findById(s.db.m, id);
  if (!row) throw new NotFoundError('Rule');
  return row;
}

export function rulesApiRoutes(r: Router, s: Services): void {
  defineRoute(r, s, {
    method: 'get', path: '/api/rules', tag: 'automation', summary: 'Automation rules, in the order they run', authorize: automationPolicy.manage,
    handler: async () => ({ rules: (await automationRuleRepository.list(s.db.m)).map(presentRule) }),
  });
  defineRoute(r, s, {
    method: 'post', path: '/api/rules', tag: 'automation', summary: 'Add a rule (last in order; disabled unless `enabled`)', body: ruleInputSchema, status: 201,
    authorize: automationPolicy.manage,
    handler: async ({ body, viewer }) => ({ rule: presentRule(await saveRule(s, agentIdOf(viewer), body)) }),
  });
  defineRoute(r, s, {
    method: 'post', path: '/api/rules/dry-run', tag: 'automation', summary: 'Dry-run an unsaved rule over the last 30 days: the tickets it would have matched and what it would have done',
    body: ruleInputSchema, authorize: automationPolicy.manage,
    handler: async ({ body }) => ({ dryRun: await dryRun(s, { ...body, id: 0, position: 0 }, s.now()) }),
  });
  defineRoute(r, s, {
    method: 'get', path: '/api/rules/:id', tag: 'automation', summary: 'One rule and its latest runs', params: idParams, authorize: automationPolicy.manage,
    handler: async ({ params }) => ({ rule: presentRule(await loadRule(s, params.id)), runs: (await automationRuleRepository.runsOfRule(s.db.m, params.id)).map(presentRun) }),
  });
  defineRoute(r, s, {
    method: 'put', path: '/api/rules/:id', tag: 'automation', summary: 'Replace a rule', params: idParams, body: ruleInputSchema, authorize: automationPolicy.manage,
    handler: async ({ params, body, viewer }) => ({ rule: presentRule(await saveRule(s, agentIdOf(viewer), body, params.id)) }),
  });
  defineRoute(r, s, {
    method: 'post', path: '/api/rules/:id/enabled', tag: 'automation', summary: 'Enable or disable a rule', params: idParams,
    body: z.object({ enabled: z.boolean() }), authorize: automationPolicy.manage,
    handler: async ({ params, body }) => {
      await setRuleEnabled(s, params.id, body.enabled);
      return { rule: presentRule(await loadRule(s, params.id)) };
    },
  });
  defineRoute(r, s, {
    method: 'post', path: '/api/rules/:id/move', tag: 'automation', summary: 'Move a rule one place up or down in the order', params: idParams,
    body: z.object({ direction: z.enum(['up', 'down']) }), authorize: automationPolicy.manage,
    handler: async ({ params, body }) => {
      await moveRule(s, params.id, body.direction);
      return { rules: (await automationRuleRepository.list(s.db.m)).map(presentRule) };
    },
  });
  defineRoute(r, s, {
    method: 'post', path: '/api/rules/:id/dry-run', tag: 'automation', summary: 'Dry-run a saved rule over the last 30 days (changes nothing)', params: idParams,
    authorize: automationPolicy.manage,
    handler: async ({ params }) => {
      const rule = parseRule(await loadRule(s, params.id));
      if (!rule) throw new NotFoundError('Valid rule');
      return { dryRun: await dryRun(s, rule, s.now()) };
    },
  });
  defineRoute(r, s, {
    method: 'delete', path: '/api/rules/:id', tag: 'automation', summary: 'Delete a rule (its past changes keep naming it)', params: idParams, status: 204,
    authorize: automationPolicy.manage,
    handler: async ({ params, res }) => {
      await deleteRule(s, params.id);
      res.status(204).end();
    },
  });
}
