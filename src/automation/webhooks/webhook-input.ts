import { z } from 'zod';
import { AUDIENCES } from '../../db/entities';
import { WEBHOOK_EVENTS } from './webhook-events';

// One schema for the JSON API and the admin form (which sends checkboxes and a select).
export const webhookFields = {
  name: z.string().trim().max(120, 'Use at most 120 characters.').default(''),
  url: z.string().trim().min(1, 'Enter the URL that receives the deliveries.').max(2000, 'Use at most 2000 characters.'),
  events: z.array(z.enum(WEBHOOK_EVENTS, 'Unknown event; choose from ' + WEBHOOK_EVENTS.join(', '))).min(1, 'Choose at least one event.'),
  audience: z.enum(AUDIENCES, 'Choose public, participants or staff.'),
  active: z.boolean().default(true),
};

export const createWebhookBody = z.object(webhookFields);
export type CreateWebhookInput = z.infer<typeof createWebhookBody>;

export const updateWebhookBody = z.object({
  name: webhookFields.name.optional(), url: webhookFields.url.optional(), events: webhookFields.events.optional(),
  audience: webhookFields.audience.optional(), active: z.boolean().optional(),
});
export type UpdateWebhookInput = z.infer<typeof updateWebhookBody>;
