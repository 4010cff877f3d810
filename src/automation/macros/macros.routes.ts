import type { Router } from 'express';
import { z } from 'zod';
import type { AgentViewer } from '../../agent-web/agent-page';
import { macroRepository } from '../../db/repositories/macro.repository';
import { NotFoundError } from '../../errors';
import { defineRoute } from '../../http/route';
import { macroPolicy } from '../../policies/macro.policy';
import type { Services } from '../../services';
import { applyMacro } from './apply-macro';
import { loadMacroNames, presentMacro } from './macro.presenter';
import { macroActionsSchema, macroBody } from './macro-schema';
import { deleteMacro, saveMacro } from './save-macro';

const idParams = z.object({ id: z.coerce.number().int().positive() });

export async function loadMacro(s: Services, id: number) {
  const x = await macroRepository.findById(s.db.m, id);
  if (!x) throw new NotFoundError('Macro');
  return x;
}

export function macrosApiRoutes(r: Router, s: Services): void {
  const present = async (id: number) => presentMacro(await loadMacro(s, id), await loadMacroNames(s.db.m));

  defineRoute(r, s, {
    method: 'get', path: '/api/macros', tag: 'macros', summary: 'List macros, each with its actions in words',
    authorize: macroPolicy.use,
    handler: async () => {
      const names = await loadMacroNames(s.db.m);
      return { macros: (await macroRepository.list(s.db.m)).map((x) => presentMacro(x, names)) };
    },
  });

  defineRoute(r, s, {
    method: 'get', path: '/api/macros/:id', tag: 'macros', summary: 'One macro', params: idParams,
    authorize: macroPolicy.use,
    handler: async ({ params }) => ({ macro: await present(params.id) }),
  });

  defineRoute(r, s, {
    method: 'post', path: '/api/macros', tag: 'macros', summary: 'Create a macro (admins): a name and the actions it applies in order',
    body: macroBody, authorize: macroPolicy.manage, status: 201,
    handler: async ({ body, viewer }) => ({ macro: await present(await saveMacro(s.db, s.now(), body, (viewer as AgentViewer).agentId)) }),
  });

  defineRoute(r, s, {
    method: 'patch', path: '/api/macros/:id', tag: 'macros', summary: 'Change a macro\'s name, description or actions (admins)',
    params: idParams,
    body: z.object({ name: macroBody.shape.name.optional(), description: z.string().trim().max(500).nullable().optional(), actions: macroActionsSchema.optional() }),
    authorize: macroPolicy.manage,
    handler: async ({ params, body, viewer }) => {
      const x = await loadMacro(s, params.id);
      await saveMacro(s.db, s.now(), { name: body.name ?? x.name, description: body.description === undefined ? x.description : body.description || null, actions: body.actions ?? x.actions }, (viewer as AgentViewer).agentId, x.id);
      return { macro: await present(x.id) };
    },
  });

  defineRoute(r, s, {
    method: 'delete', path: '/api/macros/:id', tag: 'macros', summary: 'Delete a macro (admins); changes it made keep naming it', params: idParams,
    authorize: macroPolicy.manage,
    handler: async ({ params }) => {
      await deleteMacro(s.db, params.id);
      return { deleted: true };
    },
  });

  defineRoute(r, s, {
    method: 'post', path: '/api/macros/:id/apply', tag: 'macros', summary: 'Apply a macro to tickets: each ticket through the ticket commands, with the outcome of every step',
    params: idParams,
    body: z.object({ ticketIds: z.array(z.number().int().positive()).min(1, 'Give at least one ticket').max(200, 'At most 200 tickets at once') }),
    authorize: macroPolicy.use,
    handler: async ({ params, body, viewer }) => {
      const macro = await loadMacro(s, params.id);
      const results = [];
      for (const id of [...new Set(body.ticketIds)]) results.push(await applyMacro({ commands: s.commands, publicUrl: s.config.publicUrl }, viewer as AgentViewer, macro, id));
      return { results };
    },
  });
}
