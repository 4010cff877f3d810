import { webhookRepository } from '../../../db/repositories/webhook.repository';
import { NotFoundError } from '../../../errors';
import type { Services } from '../../../services';
import { enqueueTest } from '../webhook-dispatcher';

// Queues a `webhook.test` delivery (switched-off webhooks too: test before switching on).
export async function sendTestWebhook(s: Services, id: number): Promise<string> {
  const hook = await webhookRepository.findById(s.db.m, id);
  if (!hook) throw new NotFoundError('Webhook');
  return enqueueTest(s, hook);
}
