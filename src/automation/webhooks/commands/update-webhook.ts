import type { Webhook } from '../../../db/entities';
import { webhookRepository } from '../../../db/repositories/webhook.repository';
import { NotFoundError } from '../../../errors';
import type { Services } from '../../../services';
import type { UpdateWebhookInput } from '../webhook-input';
import { checkWebhookUrl } from '../webhook-url';

// URL, events, audience, name, on/off. Deliveries already queued keep their payload (built for the
// audience they were made for) but go to the new URL.
export async function updateWebhook(s: Services, id: number, input: UpdateWebhookInput): Promise<Webhook> {
  const url = input.url === undefined ? undefined : checkWebhookUrl(input.url, s.config.CHORUS_WEBHOOKS_ALLOW_PRIVATE);
  return s.db.transaction(async ({ m }) => {
    const hook = await webhookRepository.findById(m, id);
    if (!hook) throw new NotFoundError('Webhook');
    const patch: Partial<Webhook> = { updatedAt: s.now() };
    if (url !== undefined) patch.url = url;
    if (input.name !== undefined) patch.name = input.name || new URL(url ?? hook.url).host;
    if (input.events !== undefined) patch.events = [...new Set(input.events)];
    if (input.audience !== undefined) patch.audience = input.audience;
    if (input.active !== undefined) patch.active = input.active;
    await webhookRepository.update(m, id, patch);
    return { ...hook, ...patch };
  });
}
