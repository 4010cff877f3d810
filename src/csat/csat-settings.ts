import { z } from 'zod';
import { registerCommonSettings } from '../channels/channel-settings';
import type { Inbox } from '../db/entities';

// Per inbox (settings.csat): ask the requester how we did when a ticket is solved.
export const csatSettingsSchema = z.object({
  enabled: z.boolean(),
  // Asked this long after the solve (a ticket reopened meanwhile is not asked about).
  delayMinutes: z.number().int().min(0).max(30 * 24 * 60).default(0),
  // Nobody is asked more often than once in this many hours, whatever the ticket.
  perContactHours: z.number().min(0).max(24 * 365).default(24),
  // How long the links in a request can be used.
  linkDays: z.number().int().min(1).max(365).default(30),
}).describe('Customer satisfaction requests when a ticket is solved');

export type CsatSettings = z.infer<typeof csatSettingsSchema>;

registerCommonSettings('csat', csatSettingsSchema);

export function csatSettingsOf(inbox: Pick<Inbox, 'settings'> | null | undefined): CsatSettings | null {
  const parsed = csatSettingsSchema.safeParse(inbox?.settings?.csat);
  return parsed.success && parsed.data.enabled ? parsed.data : null;
}
