import type { ChorusModule } from '../module';
import { WEBHOOK_CALL_KIND, webhookCallSender } from './actions/call-webhook';
import { startTimeRules, subscribeRules } from './rules/rule-subscriptions';
import { rulesApiRoutes } from './rules/rules.routes';
import { rulesPageRoutes } from './rules/rules-pages.routes';

// Automation: the shared action executor's deliveries (webhook calls), rules and their sweeps.
export const automationModule: ChorusModule = {
  name: 'automation',
  register(s) {
    s.outbox.register(WEBHOOK_CALL_KIND, webhookCallSender(s.config.CHORUS_SEND_TIMEOUT_MS, s.config.CHORUS_WEBHOOKS_ALLOW_PRIVATE));
    subscribeRules(s);
  },
  routes(r, s) {
    rulesApiRoutes(r, s);
    rulesPageRoutes(r, s);
  },
  async start(s) {
    return startTimeRules(s);
  },
};
