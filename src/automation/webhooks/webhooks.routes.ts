import type { Router } from 'express';
import { z } from 'zod';
import { webhookRepository } from '../../db/repositories/webhook.repository';
import { NotFoundError } from '../../errors';
import { defineRoute } from '../../http/route';
import { webhookPolicy } from '../../policies/webhook.policy';
import type { Services } from '../../services';
import { createWebhook } from './commands/create-webhook';
import { deleteWebhook } from './commands/delete-webhook';
import { rotateWebhookSecret } from './commands/rotate-webhook-secret';
import { sendTestWebhook } from './commands/send-test-webhook';
import { updateWebhook } from './commands/update-webhook';
import { presentAttempts, presentWebhook } from './webhook.presenter';
import { createWebhookBody, updateWebhookBody } from './webhook-input';

const idParams = z.object({ id: z.coerce.number().int().positive() });

export function webhooksApiRoutes(r: Router, s: Services): void {
  defineRoute(r, s, {
    method: 'get', path: '/api/webhooks', tag: 'webhooks', summary: 'List outgoing webhooks (without their secrets)',
    authorize: webhookPolicy.manage,
    handler: async () => ({ webhooks: (await webhookRepository.list(s.db.m)).map(presentWebhook) }),
  });

  defineRoute(r, s, {
    method: 'post', path: '/api/webhooks', tag: 'webhooks', summary: 'Subscribe a URL to events; the answer carries the signing secret, shown this once',
    body: createWebhookBody, authorize: webhookPolicy.manage, status: 201,
    handler: async ({ body, viewer }) => {
      const { webhook, secret } = await createWebhook(s, body, viewer.kind === 'agent' ? viewer.agentId : null);
      return { webhook: presentWebhook(webhook), secret };
    },
  });

  defineRoute(r, s, {
    method: 'get', path: '/api/webhooks/:id', tag: 'webhooks', summary: 'One webhook',
    params: idParams, authorize: webhookPolicy.manage,
    handler: async ({ params }) => {
      const hook = await webhookRepository.findById(s.db.m, params.id);
      if (!hook) throw new NotFoundError('Webhook');
      return { webhook: presentWebhook(hook) };
    },
  });

  defineRoute(r, s, {
    method: 'patch', path: '/api/webhooks/:id', tag: 'webhooks', summary: 'Change the URL, events, audience, name or switch a webhook on or off',
    params: idParams, body: updateWebhookBody, authorize: webhookPolicy.manage,
    handler: async ({ params, body }) => ({ webhook: presentWebhook(await updateWebhook(s, params.id, body)) }),
  });

  defineRoute(r, s, {
    method: 'delete', path: '/api/webhooks/:id', tag: 'webhooks', summary: 'Delete a webhook and its delivery log',
    params: idParams, authorize: webhookPolicy.manage,
    handler: async ({ params }) => {
      await deleteWebhook(s, params.id);
      return { deleted: true };
    },
  });

  defineRoute(r, s, {
    method: 'post', path: '/api/webhooks/:id/secret', tag: 'webhooks', summary: 'Rotate the signing secret; the answer carries the new one, shown this once',
    params: idParams, authorize: webhookPolicy.manage,
    handler: async ({ params }) => ({ secret: await rotateWebhookSecret(s, params.id) }),
  });

  defineRoute(r, s, {
    method: 'post', path: '/api/webhooks/:id/test', tag: 'webhooks', summary: 'Queue a signed webhook.test delivery',
    params: idParams, authorize: webhookPolicy.manage, status: 202,
    handler: async ({ params }) => ({ deliveryId: await sendTestWebhook(s, params.id) }),
  });

  defineRoute(r, s, {
    method: 'get', path: '/api/webhooks/:id/deliveries', tag: 'webhooks', summary: 'The delivery log: every attempt, newest first (page on with before=<id>)',
    params: idParams, query: z.object({ before: z.coerce.number().int().positive().optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }),
    authorize: webhookPolicy.manage,
    handler: async ({ params, query }) => {
      if (!(await webhookRepository.findById(s.db.m, params.id))) throw new NotFoundError('Webhook');
      const rows = await webhookRepository.attempts(s.db.m, params.id, query.limit + 1, query.before);
      const attempts = await presentAttempts(s.db.m, rows.slice(0, query.limit));
      return { attempts, nextBefore: rows.length > query.limit ? attempts.at(-1)!.id : null };
    },
  });
}
