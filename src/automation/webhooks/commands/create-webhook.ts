import { newToken } from '../../../auth/secrets';
import type { Webhook } from '../../../db/entities';
import { webhookRepository } from '../../../db/repositories/webhook.repository';
import type { Services } from '../../../services';
import type { CreateWebhookInput } from '../webhook-input';
import { checkWebhookUrl } from '../webhook-url';

export const newWebhookSecret = () => `whsec_${newToken(24)}`;

// The secret is returned here (and by a rotation) and never shown again.
export async function createWebhook(s: Services, input: CreateWebhookInput, byAgentId: number | null): Promise<{ webhook: Webhook; secret: string }> {
  const url = checkWebhookUrl(input.url, s.config.CHORUS_WEBHOOKS_ALLOW_PRIVATE);
  const now = s.now();
  const row: Omit<Webhook, 'id'> = {
    name: input.name || new URL(url).host, url, events: [...new Set(input.events)], audience: input.audience, secret: newWebhookSecret(),
    active: input.active, createdBy: byAgentId, createdAt: now, updatedAt: now,
  };
  const id = await s.db.write((m) => webhookRepository.insert(m, row));
  return { webhook: { id, ...row }, secret: row.secret };
}
