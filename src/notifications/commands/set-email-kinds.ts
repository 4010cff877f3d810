import { NOTIFICATION_KINDS, type NotificationKind } from '../../db/entities';
import { notificationRepository } from '../../db/repositories/notification.repository';
import type { Db } from '../../db/transaction';
import { ValidationError } from '../../errors';

// Which kinds of notification the agent also wants by e-mail.
export async function setNotificationEmailKinds(db: Db, now: number, agentId: number, kinds: string[]): Promise<NotificationKind[]> {
  const bad = kinds.find((k) => !(NOTIFICATION_KINDS as readonly string[]).includes(k));
  if (bad) throw new ValidationError(`Invalid body field email: unknown kind “${bad}”`, { fields: { email: [`Choose from ${NOTIFICATION_KINDS.join(', ')}.`] } });
  const clean = NOTIFICATION_KINDS.filter((k) => kinds.includes(k));
  await db.write((m) => notificationRepository.setEmailKinds(m, agentId, clean, now));
  return clean;
}
