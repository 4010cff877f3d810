import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { renderAgent } from '../../agent-web/agent-page';
import { agentRepository } from '../../db/repositories/agent.repository';
import { automationRuleRepository } from '../../db/repositories/automation-rule.repository';
import { cannedResponseRepository } from '../../db/repositories/canned-response.repository';
import { inboxRepository } from '../../db/repositories/inbox.repository';
import { AppError, NotFoundError } from '../../errors';
import { defineRoute } from '../../http/route';
import { adminOnly } from '../../http/routes/admin-pages.routes';
import type { Viewer } from '../../policies/viewer';
import type { Services } from '../../services';
import { describeAction, loadMacroNames, type MacroNames } from '../macros/macro.presenter';
import { deleteRule, moveRule, setRuleEnabled } from './commands/change-rule';
import { saveRule } from './commands/save-rule';
import { dryRun, DRY_RUN_DAYS } from './dry-run';
import { parseRule } from './rule-engine';
import { CONDITION_TESTS, conditionLabel, formErrors, formModel, formOf, ruleFromForm, triggerLabel } from './rule-form';
import { type RuleInput, ruleInputSchema, type TriggerType } from './rule-schema';
import { pageT, pageText, type PageText } from '../../agent-web/page-text';

const idParams = z.object({ id: z.coerce.number().int().positive() });

async function formPage(s: Services, req: Request, res: Response, values: Record<string, unknown>, opts: { id?: number; errors?: Record<string, string>; error?: string; status?: number } = {}) {
  const [agents, teams, canned, inboxes] = await Promise.all([agentRepository.list(s.db.m), agentRepository.listTeams(s.db.m), cannedResponseRepository.list(s.db.m), inboxRepository.list(s.db.m)]);
  return renderAgent(s, req, res, 'pages/admin/rule-form', {
    title: pageT(req)(opts.id ? 'admin.ruleForm.editTitle' : 'admin.ruleForm.newTitle'), previewDays: DRY_RUN_DAYS, nav: { admin: true }, section: { rules: true }, ruleId: opts.id ?? null,
    action: opts.id ? `/admin/rules/${opts.id}` : '/admin/rules', form: formModel(values, opts.errors ?? {}, { agents, teams, canned, inboxes }, pageText(req)), error: opts.error ?? null,
  }, opts.status ?? 200);
}

// The posted form, validated: either the rule or the page again with each error beside its row.
function readForm(req: Request): { ok: true; rule: RuleInput } | { ok: false; values: Record<string, unknown>; errors: Record<string, string> } {
  const raw = req.body as Record<string, unknown>;
  const { input, conditionRows, actionRows } = ruleFromForm(raw);
  const parsed = ruleInputSchema.safeParse(input);
  if (parsed.success) return { ok: true, rule: parsed.data };
  const fields: Record<string, string[]> = {};
  for (const i of parsed.error.issues) (fields[i.path.join('.') || 'form'] ??= []).push(i.message);
  return { ok: false, values: raw, errors: formErrors(fields, { conditionRows, actionRows }) };
}

// The rule in words, for the list and the preview: what a bare "Add tag, Set priority" left out.
function describe(r: RuleInput, names: MacroNames, t: PageText): { trigger: string; conditions: number; ifText: string; actions: string } {
  const tr = r.trigger as { type: TriggerType; hours?: number; days?: number };
  const trigger = triggerLabel(t, tr.type).replace('N', String(tr.hours ?? tr.days ?? 'N'));
  const label = (key: string) => (KNOWN_TESTS.has(key) ? conditionLabel(t, key).replace(/ \(.*\)$/, '') : null);
  const ifText = r.conditions.map((c) => `${label(`${c.field}:${c.op}`) ?? `${c.field} ${c.op}`} “${Array.isArray(c.value) ? c.value.join(', ') : String(c.value)}”`).join(` ${t('admin.ruleText.and')} `);
  return { trigger, conditions: r.conditions.length, ifText, actions: r.actions.map((a) => describeAction(a, names, t)).join(', ') };
}
const KNOWN_TESTS = new Set(CONDITION_TESTS.map((c) => c.value));

async function resultsPage(s: Services, req: Request, res: Response, rule: RuleInput & { id: number }, values: Record<string, unknown> | null) {
  const [result, names] = await Promise.all([dryRun(s, { ...rule, position: 0 }, s.now()), loadMacroNames(s.db.m)]);
  return renderAgent(s, req, res, 'pages/admin/rule-dry-run', {
    title: pageT(req)('admin.dryRun.title', { name: rule.name }), nav: { admin: true }, section: { rules: true }, rule: { id: rule.id || null, name: rule.name, enabled: rule.enabled, ...describe(rule, names, pageText(req)) },
    days: DRY_RUN_DAYS, result, matches: result.matches.map((m) => ({ ...m, when: new Date(m.at).toISOString().replace('T', ' ').slice(0, 16) })),
    // An unsaved preview carries the form along, so "save" needs no second typing.
    hidden: values ? Object.entries(values).filter(([k]) => k !== '_csrf').flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => ({ name: k, value: String(x) }))) : null,
  });
}

export function rulesPageRoutes(r: Router, s: Services): void {
  defineRoute(r, s, {
    method: 'get', path: '/admin/rules', tag: 'admin', summary: 'Automation rules, in order', authorize: adminOnly,
    handler: async ({ req, res }) => {
      const [rows, names] = await Promise.all([automationRuleRepository.list(s.db.m), loadMacroNames(s.db.m)]);
      const rules = rows.map((row, i) => {
        const p = parseRule(row);
        return { id: row.id, name: row.name, enabled: row.enabled, valid: !!p, first: i === 0, last: i === rows.length - 1, ...(p ? describe(p, names, pageText(req)) : { trigger: row.trigger, conditions: 0, ifText: '', actions: '' }) };
      });
      return renderAgent(s, req, res, 'pages/admin/rules', { title: pageT(req)('admin.rules.title'), nav: { admin: true }, section: { rules: true }, rules });
    },
  });
  defineRoute(r, s, { method: 'get', path: '/admin/rules/new', tag: 'admin', summary: 'The form for a new rule', authorize: adminOnly, handler: ({ req, res }) => formPage(s, req, res, { trigger: 'ticket_created' }) });
  defineRoute(r, s, {
    method: 'get', path: '/admin/rules/:id', tag: 'admin', summary: 'Edit a rule', params: idParams, authorize: adminOnly,
    handler: async ({ req, res, params }) => {
      const row = await automationRuleRepository.findById(s.db.m, params.id);
      const p = row && parseRule(row);
      if (!p) throw new NotFoundError('Rule');
      return formPage(s, req, res, formOf(p), { id: row.id });
    },
  });
  // "Save" or "Preview" (a dry run of what is in the form, saved or not), or back to the form.
  const save = (id?: number) => async ({ req, res, viewer }: { req: Request; res: Response; viewer: Viewer }) => {
    // "Change it" from a preview: back to the form with everything as typed.
    if ((req.body as Record<string, unknown>).edit !== undefined) return formPage(s, req, res, req.body as Record<string, unknown>, { id });
    const form = readForm(req);
    if (!form.ok) return formPage(s, req, res, form.values, { id, errors: form.errors, error: pageT(req)('admin.common.checkFields'), status: 422 });
    if ((req.body as Record<string, unknown>).preview !== undefined) return resultsPage(s, req, res, { ...form.rule, id: id ?? 0 }, req.body as Record<string, unknown>);
    try {
      const saved = await saveRule(s, viewer.kind === 'agent' ? viewer.agentId : null, form.rule, id);
      return void res.redirect(303, `/admin/rules#rule-${saved.id}`);
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500 || err.status === 404) throw err;
      const fields = ((err.details as { fields?: Record<string, string[]> } | null)?.fields) ?? {};
      const { conditionRows, actionRows } = ruleFromForm(req.body as Record<string, unknown>);
      return formPage(s, req, res, req.body as Record<string, unknown>, { id, errors: formErrors(fields, { conditionRows, actionRows }), error: err.message, status: err.status });
    }
  };
  defineRoute(r, s, { method: 'post', path: '/admin/rules', tag: 'admin', summary: 'Add a rule from the form, or preview it', form: true, authorize: adminOnly, handler: save() });
  defineRoute(r, s, { method: 'post', path: '/admin/rules/:id', tag: 'admin', summary: 'Change a rule from the form, or preview it', form: true, params: idParams, authorize: adminOnly, handler: (x) => save(x.params.id)(x) });
  defineRoute(r, s, {
    method: 'get', path: '/admin/rules/:id/dry-run', tag: 'admin', summary: 'What a saved rule would have done over the last 30 days', params: idParams, authorize: adminOnly,
    handler: async ({ req, res, params }) => {
      const row = await automationRuleRepository.findById(s.db.m, params.id);
      const p = row && parseRule(row);
      if (!p) throw new NotFoundError('Rule');
      return resultsPage(s, req, res, p, null);
    },
  });
  defineRoute(r, s, {
    method: 'post', path: '/admin/rules/:id/enabled', tag: 'admin', summary: 'Enable or disable a rule from the list', form: true, params: idParams,
    body: z.object({ enabled: z.enum(['0', '1']) }).passthrough(), authorize: adminOnly,
    handler: async ({ params, body, res }) => {
      await setRuleEnabled(s, params.id, body.enabled === '1');
      return void res.redirect(303, `/admin/rules#rule-${params.id}`);
    },
  });
  defineRoute(r, s, {
    method: 'post', path: '/admin/rules/:id/move', tag: 'admin', summary: 'Move a rule up or down', form: true, params: idParams,
    body: z.object({ direction: z.enum(['up', 'down']) }).passthrough(), authorize: adminOnly,
    handler: async ({ params, body, res }) => {
      await moveRule(s, params.id, body.direction);
      return void res.redirect(303, `/admin/rules#rule-${params.id}`);
    },
  });
  defineRoute(r, s, {
    method: 'post', path: '/admin/rules/:id/delete', tag: 'admin', summary: 'Delete a rule', form: true, params: idParams, authorize: adminOnly,
    handler: async ({ params, res }) => {
      await deleteRule(s, params.id);
      return void res.redirect(303, '/admin/rules');
    },
  });
}
