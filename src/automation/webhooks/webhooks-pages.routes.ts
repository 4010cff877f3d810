import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { renderAgent } from '../../agent-web/agent-page';
import { AUDIENCES, type Webhook } from '../../db/entities';
import { webhookRepository } from '../../db/repositories/webhook.repository';
import { AppError, NotFoundError } from '../../errors';
import { defineRoute } from '../../http/route';
import { adminOnly } from '../../http/routes/admin-pages.routes';
import type { Services } from '../../services';
import { createWebhook } from './commands/create-webhook';
import { deleteWebhook } from './commands/delete-webhook';
import { rotateWebhookSecret } from './commands/rotate-webhook-secret';
import { sendTestWebhook } from './commands/send-test-webhook';
import { updateWebhook } from './commands/update-webhook';
import { presentAttempts, presentWebhook } from './webhook.presenter';
import { WEBHOOK_EVENTS } from './webhook-events';
import { createWebhookBody } from './webhook-input';
import { pageT, pageText, type PageText } from '../../agent-web/page-text';

const PAGE = 50;
const idParams = z.object({ id: z.coerce.number().int().positive() });
type Fields = Record<string, string>;


// A form's checkboxes and select, read into the API's shape: one checked event arrives as a
// string, several as a list; an unchecked "active" box sends nothing.
function formInput(raw: Record<string, unknown>) {
  const events = raw.events === undefined ? [] : Array.isArray(raw.events) ? raw.events : [raw.events];
  return { name: raw.name ?? '', url: raw.url ?? '', events, audience: raw.audience, active: raw.active === '1' };
}

function fieldErrors(err: z.ZodError): Fields {
  const out: Fields = {};
  for (const i of err.issues) out[String(i.path[0] ?? 'form')] ??= i.message;
  return out;
}
const appFields = (err: AppError): Fields =>
  Object.fromEntries(Object.entries(((err.details as { fields?: Record<string, string[]> } | null)?.fields) ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v[0] : String(v)]));

// Event and audience names in the page's language (admin.choices in the catalogues).
function formModel(t: PageText, values: { events?: unknown[]; audience?: unknown }) {
  const chosen = new Set((values.events ?? []).map(String));
  return {
    eventChoices: WEBHOOK_EVENTS.map((e) => ({ value: e, label: t(`admin.choices.webhookEvent.${e.replace('.', '_')}`), checked: chosen.has(e) })),
    audienceChoices: AUDIENCES.map((a) => ({ value: a, label: t(`admin.choices.webhookAudience.${a}`), selected: a === values.audience })),
  };
}

async function listPage(s: Services, req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) {
  const hooks = await webhookRepository.list(s.db.m);
  const values = (extra.values as Record<string, unknown> | undefined) ?? { events: [], audience: 'public', active: true };
  return renderAgent(s, req, res, 'pages/admin/webhooks', {
    title: pageT(req)('admin.webhooks.title'), nav: { admin: true }, section: { webhooks: true },
    webhooks: hooks.map((h: Webhook) => ({ ...presentWebhook(h), ...formModel(pageText(req), h) })),
    form: formModel(pageText(req), values as { events?: unknown[]; audience?: unknown }),
    allowPrivate: s.config.CHORUS_WEBHOOKS_ALLOW_PRIVATE, fields: {}, ...extra, values,
  }, status);
}

export function webhooksPageRoutes(r: Router, s: Services): void {
  defineRoute(r, s, { method: 'get', path: '/admin/webhooks', tag: 'admin', summary: 'Outgoing webhooks', authorize: adminOnly, handler: ({ req, res }) => listPage(s, req, res) });

  // The page right after creating is the only place the secret appears (and after a rotation).
  defineRoute(r, s, {
    method: 'post', path: '/admin/webhooks', tag: 'admin', summary: 'Add a webhook from the admin page (shows its secret once)', form: true, authorize: adminOnly,
    handler: async ({ req, res, viewer }) => {
      const input = formInput(req.body as Record<string, unknown>);
      const parsed = createWebhookBody.safeParse(input);
      if (!parsed.success) return listPage(s, req, res, { values: input, fields: fieldErrors(parsed.error), error: pageT(req)('admin.common.checkFields') }, 422);
      try {
        const { webhook, secret } = await createWebhook(s, parsed.data, viewer.kind === 'agent' ? viewer.agentId : null);
        return listPage(s, req, res, { secretShown: { id: webhook.id, name: webhook.name, secret, created: true } }, 201);
      } catch (err) {
        if (err instanceof AppError && err.status < 500) return listPage(s, req, res, { values: input, fields: appFields(err), error: err.message }, err.status);
        throw err;
      }
    },
  });

  defineRoute(r, s, {
    method: 'post', path: '/admin/webhooks/:id', tag: 'admin', summary: 'Change a webhook from the admin page', form: true, params: idParams, authorize: adminOnly,
    handler: async ({ req, res, params }) => {
      const input = formInput(req.body as Record<string, unknown>);
      const parsed = createWebhookBody.safeParse(input);
      if (!parsed.success) return listPage(s, req, res, { editError: { id: params.id, fields: fieldErrors(parsed.error) }, error: `Webhook ${params.id} was not saved: ${Object.values(fieldErrors(parsed.error))[0]}` }, 422);
      try {
        await updateWebhook(s, params.id, parsed.data);
      } catch (err) {
        if (err instanceof AppError && err.status < 500 && err.status !== 404) return listPage(s, req, res, { error: `Webhook ${params.id} was not saved: ${Object.values(appFields(err))[0] ?? err.message}` }, err.status);
        throw err;
      }
      return void res.redirect(303, '/admin/webhooks');
    },
  });

  defineRoute(r, s, {
    method: 'post', path: '/admin/webhooks/:id/secret', tag: 'admin', summary: 'Rotate a webhook\'s secret (shows the new one once)', form: true, params: idParams, authorize: adminOnly,
    handler: async ({ req, res, params }) => {
      const secret = await rotateWebhookSecret(s, params.id);
      const hook = (await webhookRepository.findById(s.db.m, params.id))!;
      return listPage(s, req, res, { secretShown: { id: hook.id, name: hook.name, secret, rotated: true } });
    },
  });

  defineRoute(r, s, {
    method: 'post', path: '/admin/webhooks/:id/test', tag: 'admin', summary: 'Send a test delivery', form: true, params: idParams, authorize: adminOnly,
    handler: async ({ res, params }) => {
      const deliveryId = await sendTestWebhook(s, params.id);
      return void res.redirect(303, `/admin/webhooks/${params.id}?tested=${encodeURIComponent(deliveryId)}`);
    },
  });

  defineRoute(r, s, {
    method: 'post', path: '/admin/webhooks/:id/delete', tag: 'admin', summary: 'Delete a webhook', form: true, params: idParams, authorize: adminOnly,
    handler: async ({ res, params }) => {
      await deleteWebhook(s, params.id);
      return void res.redirect(303, '/admin/webhooks');
    },
  });

  defineRoute(r, s, {
    method: 'get', path: '/admin/webhooks/:id', tag: 'admin', summary: 'A webhook\'s delivery log, newest first', params: idParams, authorize: adminOnly,
    query: z.object({ before: z.coerce.number().int().positive().optional(), tested: z.string().max(64).optional() }),
    handler: async ({ req, res, params, query }) => {
      const hook = await webhookRepository.findById(s.db.m, params.id);
      if (!hook) throw new NotFoundError('Webhook');
      const [rows, total] = await Promise.all([webhookRepository.attempts(s.db.m, hook.id, PAGE + 1, query.before), webhookRepository.countAttempts(s.db.m, hook.id)]);
      const attempts = (await presentAttempts(s.db.m, rows.slice(0, PAGE))).map((a) => ({ ...a, ok: a.outcome === 'sent' }));
      return renderAgent(s, req, res, 'pages/admin/webhook-log', {
        title: pageT(req)('admin.webhooks.logTitle', { name: hook.name }), nav: { admin: true }, section: { webhooks: true },
        webhook: presentWebhook(hook), attempts, total, tested: query.tested, paged: !!query.before,
        older: rows.length > PAGE ? attempts.at(-1)!.id : null,
      });
    },
  });
}
