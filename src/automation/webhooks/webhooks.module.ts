import type { ChorusModule } from '../../module';
import { webhookSender } from './webhook.sender';
import { startWebhookDispatcher } from './webhook-dispatcher';
import { webhooksApiRoutes } from './webhooks.routes';
import { webhooksPageRoutes } from './webhooks-pages.routes';

// Outgoing webhooks: signed deliveries of ticket, message, SLA and CSAT events through the outbox,
// each payload built for the webhook's audience; /admin/webhooks and /api/webhooks.
export const webhooksModule: ChorusModule = {
  name: 'webhooks',
  register(s) {
    s.outbox.register('webhook', webhookSender(s));
    startWebhookDispatcher(s);
  },
  routes(r, s) {
    webhooksApiRoutes(r, s);
    webhooksPageRoutes(r, s);
  },
};
