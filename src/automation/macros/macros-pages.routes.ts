import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { agentOnly, renderAgent, type AgentViewer } from '../../agent-web/agent-page';
import { agentRepository } from '../../db/repositories/agent.repository';
import { cannedResponseRepository } from '../../db/repositories/canned-response.repository';
import { macroRepository } from '../../db/repositories/macro.repository';
import { AppError } from '../../errors';
import { wantsJson } from '../../http/form-fields';
import { defineRoute } from '../../http/route';
import { adminOnly } from '../../http/routes/admin-pages.routes';
import type { Services } from '../../services';
import { applyMacro } from './apply-macro';
import { formChoices, parseMacroForm, rowsOf, type FieldErrors, type FormRow } from './macro-form';
import { loadMacroNames, presentMacro } from './macro.presenter';
import { loadMacro } from './macros.routes';
import { deleteMacro, saveMacro } from './save-macro';
import { pageT, pageText } from '../../agent-web/page-text';

const idParams = z.object({ id: z.coerce.number().int().positive() });

interface FormState {
  id?: number;
  values: { name: string; description: string };
  rows: FormRow[];
  fields: FieldErrors;
  error?: string;
}

// The list with the create form, or one macro's edit form; a failed save shows the form again
// with what was typed and the message beside each field.
async function macrosPage(s: Services, req: Request, res: Response, form: FormState | null, status = 200) {
  const [macros, names, agents, teams, canned] = await Promise.all([
    macroRepository.list(s.db.m), loadMacroNames(s.db.m), agentRepository.list(s.db.m), agentRepository.listTeams(s.db.m), cannedResponseRepository.list(s.db.m),
  ]);
  const state = form ?? { values: { name: '', description: '' }, rows: rowsOf([]), fields: {} };
  return renderAgent(s, req, res, 'pages/admin/macros', {
    title: state.id ? pageT(req)('admin.macros.oneTitle', { name: state.values.name }) : pageT(req)('admin.macros.title'), nav: { admin: true }, section: { macros: true },
    macros: macros.map((x) => presentMacro(x, names, pageText(req))),
    form: { ...state, rows: state.rows.map((row) => ({ ...row, number: row.i + 1, errors: errorsOfRow(state.fields, row.i) })), action: state.id ? `/admin/macros/${state.id}` : '/admin/macros', editing: !!state.id },
    choices: formChoices({ agents: agents.filter((a) => a.active), teams, canned }),
  }, status);
}

// `tag_2: "Name the tag"` → row 2's { tag: "Name the tag" }.
function errorsOfRow(fields: FieldErrors, i: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) {
    const m = /^(\w+)_(\d+)$/.exec(k);
    if (m && Number(m[2]) === i) out[m[1]] = v;
  }
  return out;
}

// "?macro=Refund&outcome=partly&reason=…" after a plain form post: what the macro did, on the ticket page.
export const macroReport = z.object({
  macro: z.string().max(100).optional().catch(undefined),
  outcome: z.enum(['applied', 'partly', 'unchanged', 'refused']).optional().catch(undefined),
  reason: z.string().max(1000).optional().catch(undefined),
});

export function macrosPageRoutes(r: Router, s: Services): void {
  defineRoute(r, s, { method: 'get', path: '/admin/macros', tag: 'admin', summary: 'Macros: the list and a form to add one', authorize: adminOnly, handler: ({ req, res }) => macrosPage(s, req, res, null) });

  defineRoute(r, s, {
    method: 'get', path: '/admin/macros/:id', tag: 'admin', summary: 'Change a macro', params: idParams, authorize: adminOnly,
    handler: async ({ req, res, params }) => {
      const x = await loadMacro(s, params.id);
      return macrosPage(s, req, res, { id: x.id, values: { name: x.name, description: x.description ?? '' }, rows: rowsOf(x.actions), fields: {} });
    },
  });

  const save = (id?: number) => async ({ req, res, viewer }: { req: Request; res: Response; viewer: unknown }) => {
    const parsed = parseMacroForm(req.body as Record<string, unknown>);
    if (!parsed.ok) return macrosPage(s, req, res, { id, values: parsed.values, rows: parsed.rows, fields: parsed.fields, error: pageT(req)('admin.common.checkFields') }, 422);
    try {
      await saveMacro(s.db, s.now(), parsed.input, (viewer as AgentViewer).agentId, id);
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      const fields = Object.fromEntries(Object.entries(((err.details as { fields?: Record<string, string[]> } | null)?.fields) ?? {}).map(([k, v]) => [k, v[0]]));
      return macrosPage(s, req, res, { id, values: { name: parsed.input.name, description: parsed.input.description ?? '' }, rows: parsed.rows, fields, error: err.message }, err.status);
    }
    return void res.redirect(303, '/admin/macros');
  };

  defineRoute(r, s, { method: 'post', path: '/admin/macros', tag: 'admin', summary: 'Add a macro from the admin form', form: true, authorize: adminOnly, handler: save() });

  defineRoute(r, s, {
    method: 'post', path: '/admin/macros/:id', tag: 'admin', summary: 'Change a macro from the admin form', form: true, params: idParams, authorize: adminOnly,
    handler: async (input) => {
      await loadMacro(s, input.params.id);
      return save(input.params.id)(input);
    },
  });

  defineRoute(r, s, {
    method: 'post', path: '/admin/macros/:id/delete', tag: 'admin', summary: 'Delete a macro', form: true, params: idParams, authorize: adminOnly,
    handler: async ({ res, params }) => {
      await deleteMacro(s.db, params.id);
      return void res.redirect(303, '/admin/macros');
    },
  });

  // One click on the ticket page: a plain form post; the page it returns to says what happened.
  defineRoute(r, s, {
    method: 'post', path: '/tickets/:id/macro', tag: 'pages', summary: 'Apply a macro to the ticket from its page',
    form: true, params: idParams, body: z.object({ macroId: z.coerce.number({ error: 'Choose a macro' }).int().positive('Choose a macro') }),
    authorize: agentOnly,
    handler: async ({ req, res, params, body, viewer }) => {
      const macro = await loadMacro(s, body.macroId);
      const result = await applyMacro({ commands: s.commands, publicUrl: s.config.publicUrl }, viewer as AgentViewer, macro, params.id);
      if (wantsJson(req)) return { result };
      const q = new URLSearchParams({ macro: macro.name, outcome: result.outcome, ...(result.reason ? { reason: result.reason.slice(0, 900) } : {}) });
      return void res.redirect(303, `/tickets/${result.ticketId}?${q}`);
    },
  });
}
