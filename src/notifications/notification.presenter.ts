import { z } from 'zod';
import type { Notification } from '../db/entities';

export const notificationSchema = z.object({
  id: z.number().int(), kind: z.enum(['assigned', 'mention', 'reply', 'sla']), ticketId: z.number().int().nullable(),
  title: z.string(), excerpt: z.string().nullable(), url: z.string(), createdAt: z.string(), read: z.boolean(),
});

export function presentNotification(n: Notification): z.infer<typeof notificationSchema> {
  const url = n.ticketId ? `/tickets/${n.ticketId}${n.messageId ? `#m-${n.messageId}` : ''}` : '/notifications';
  return { id: n.id, kind: n.kind, ticketId: n.ticketId, title: n.title, excerpt: n.excerpt, url, createdAt: new Date(n.createdAt).toISOString(), read: n.readAt !== null };
}
