import { webhookRepository } from '../../../db/repositories/webhook.repository';
import { NotFoundError } from '../../../errors';
import type { Services } from '../../../services';

// Deliveries still queued for it fail at their next attempt ("the webhook was deleted").
export async function deleteWebhook(s: Services, id: number): Promise<void> {
  const gone = await s.db.transaction(({ m }) => webhookRepository.remove(m, id));
  if (!gone) throw new NotFoundError('Webhook');
}
