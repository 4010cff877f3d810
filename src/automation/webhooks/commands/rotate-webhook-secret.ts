import { webhookRepository } from '../../../db/repositories/webhook.repository';
import { NotFoundError } from '../../../errors';
import type { Services } from '../../../services';
import { newWebhookSecret } from './create-webhook';

// The new secret signs every attempt from now on, retries of older deliveries included.
export async function rotateWebhookSecret(s: Services, id: number): Promise<string> {
  const secret = newWebhookSecret();
  await s.db.transaction(async ({ m }) => {
    if (!(await webhookRepository.findById(m, id))) throw new NotFoundError('Webhook');
    await webhookRepository.update(m, id, { secret, updatedAt: s.now() });
  });
  return secret;
}
