import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { renderAgent } from '../../agent-web/agent-page';
import { RETENTION_ACTIONS } from '../../db/entities';
import { inboxRepository } from '../../db/repositories/inbox.repository';
import { retentionPolicyRepository } from '../../db/repositories/retention-policy.repository';
import { AppError, NotFoundError } from '../../errors';
import { defineRoute } from '../../http/route';
import type { Services } from '../../services';
import { createPolicy, deletePolicy, policyBody, updatePolicy } from './commands/save-policy';
import { MAX_PER_RUN, planPolicy } from './retention-plan';
import { dryRunSchema, idRanges, policySchema, presentPlan, presentPolicy, presentRun, runSchema } from './retention.presenter';
import { retentionPolicy } from './retention.policy';
import { pageT } from '../../agent-web/page-text';

const idParams = z.object({ id: z.coerce.number().int().positive() });
async function policyOr404(s: Services, id: number) {
  const p = await retentionPolicyRepository.findById(s.db.m, id);
  if (!p) throw new NotFoundError(`Retention policy ${id}`);
  return p;
}

// A form's fields in the API's shape: an unchecked "enabled" box sends nothing.
const formInput = (raw: Record<string, string>) => ({ scope: raw.scope, inboxId: raw.scope === 'inbox' && raw.inboxId ? raw.inboxId : null, months: raw.months, action: raw.action, enabled: raw.enabled === '1' });

async function retentionPage(s: Services, req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) {
  const [policies, inboxes, runs] = await Promise.all([retentionPolicyRepository.list(s.db.m), inboxRepository.list(s.db.m), retentionPolicyRepository.runs(s.db.m)]);
  return renderAgent(s, req, res, 'pages/admin/retention', {
    title: pageT(req)('admin.retention.title'), nav: { admin: true }, section: { retention: true }, maxPerRun: MAX_PER_RUN,
    policies: policies.map((p) => ({ ...presentPolicy(p, inboxes), actionChoices: RETENTION_ACTIONS.map((a) => ({ value: a, label: pageT(req)(`admin.choices.retention.${a}`), selected: a === p.action })) })),
    inboxes: inboxes.map((i) => ({ id: i.id, name: i.name })),
    actions: RETENTION_ACTIONS.map((a) => ({ value: a, label: pageT(req)(`admin.choices.retention.${a}`) })),
    runs: runs.map((r) => ({ ...presentRun(r), idText: idRanges(r.ticketIds ?? []), heads: Object.entries(r.chainHeads ?? {}).map(([id, hash]) => ({ id, hash })) })),
    ...extra,
  }, status);
}

// Retention policies, their dry runs and the sweep's log: admins only, in the API and on /admin/retention.
export function retentionRoutes(r: Router, s: Services): void {
  defineRoute(r, s, {
    method: 'get', path: '/api/retention/policies', tag: 'archive', summary: 'Retention policies (admins)',
    authorize: retentionPolicy.api, response: z.object({ policies: z.array(policySchema) }),
    handler: async () => {
      const inboxes = await inboxRepository.list(s.db.m);
      return { policies: (await retentionPolicyRepository.list(s.db.m)).map((p) => presentPolicy(p, inboxes)) };
    },
  });

  defineRoute(r, s, {
    method: 'post', path: '/api/retention/policies', tag: 'archive', summary: 'Add a retention policy: delete, anonymise or strip the attachments of tickets closed more than N months ago, globally or for one inbox',
    body: policyBody, authorize: retentionPolicy.api, status: 201, response: z.object({ policy: policySchema }),
    handler: async ({ body, viewer }) => ({ policy: presentPolicy(await createPolicy(s, body, viewer.kind === 'agent' ? viewer.agentId : null), await inboxRepository.list(s.db.m)) }),
  });

  defineRoute(r, s, {
    method: 'put', path: '/api/retention/policies/:id', tag: 'archive', summary: 'Change a retention policy', params: idParams, body: policyBody,
    authorize: retentionPolicy.api, errors: [404], response: z.object({ policy: policySchema }),
    handler: async ({ params, body }) => ({ policy: presentPolicy(await updatePolicy(s, params.id, body), await inboxRepository.list(s.db.m)) }),
  });

  defineRoute(r, s, {
    method: 'delete', path: '/api/retention/policies/:id', tag: 'archive', summary: 'Remove a retention policy (its run log stays)', params: idParams,
    authorize: retentionPolicy.api, errors: [404], response: z.object({ deleted: z.boolean() }),
    handler: async ({ params }) => (await deletePolicy(s, params.id), { deleted: true }),
  });

  defineRoute(r, s, {
    method: 'get', path: '/api/retention/policies/:id/dry-run', tag: 'archive', summary: 'What the policy would take if the sweep ran now: counts, held tickets and the first tickets',
    params: idParams, authorize: retentionPolicy.api, errors: [404], response: z.object({ dryRun: dryRunSchema }),
    handler: async ({ params }) => ({ dryRun: await presentPlan(s.db.m, await planPolicy(s.db.m, await policyOr404(s, params.id), s.now())) }),
  });

  defineRoute(r, s, {
    method: 'get', path: '/api/retention/runs', tag: 'archive', summary: 'What the retention sweeps removed, newest first', authorize: retentionPolicy.api,
    response: z.object({ runs: z.array(runSchema) }),
    handler: async () => ({ runs: (await retentionPolicyRepository.runs(s.db.m)).map(presentRun) }),
  });

  defineRoute(r, s, {
    method: 'get', path: '/admin/retention', tag: 'admin', summary: 'Retention policies, dry runs and the sweep log', authorize: retentionPolicy.page,
    query: z.object({ dry: z.coerce.number().int().positive().optional() }),
    handler: async ({ req, res, query }) => {
      const dryRun = query.dry ? await presentPlan(s.db.m, await planPolicy(s.db.m, await policyOr404(s, query.dry), s.now())) : null;
      return retentionPage(s, req, res, { dryRun });
    },
  });

  // Saving a policy that deletes or anonymises asks for the confirmation box: it destroys data.
  const saveFromForm = async (req: Request, res: Response, by: number | null, id?: number) => {
    const raw = req.body as Record<string, string>;
    const input = formInput(raw);
    const parsed = policyBody.safeParse(input);
    if (!parsed.success) return retentionPage(s, req, res, { error: parsed.error.issues[0].message, values: raw }, 422);
    if (parsed.data.enabled && parsed.data.action !== 'attachments' && raw.confirm !== '1') {
      return retentionPage(s, req, res, { error: 'Tick the box to confirm: this policy removes tickets\' content for good.', values: raw }, 422);
    }
    try {
      if (id) await updatePolicy(s, id, parsed.data);
      else await createPolicy(s, parsed.data, by);
    } catch (err) {
      if (err instanceof AppError && err.status < 500 && err.status !== 404) return retentionPage(s, req, res, { error: err.message, values: raw }, err.status);
      throw err;
    }
    return void res.redirect(303, '/admin/retention');
  };

  defineRoute(r, s, {
    method: 'post', path: '/admin/retention', tag: 'admin', summary: 'Add a retention policy from the admin page (confirmation required)', form: true, authorize: retentionPolicy.page,
    handler: ({ req, res, viewer }) => saveFromForm(req, res, viewer.kind === 'agent' ? viewer.agentId : null),
  });

  defineRoute(r, s, {
    method: 'post', path: '/admin/retention/:id', tag: 'admin', summary: 'Change a retention policy from the admin page', form: true, params: idParams, authorize: retentionPolicy.page,
    handler: ({ req, res, params }) => saveFromForm(req, res, null, params.id),
  });

  defineRoute(r, s, {
    method: 'post', path: '/admin/retention/:id/delete', tag: 'admin', summary: 'Remove a retention policy from the admin page', form: true, params: idParams, authorize: retentionPolicy.page,
    handler: async ({ res, params }) => {
      await deletePolicy(s, params.id);
      return void res.redirect(303, '/admin/retention');
    },
  });
}
