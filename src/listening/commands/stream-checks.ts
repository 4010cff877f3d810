import { inboxRepository } from '../../db/repositories/inbox.repository';
import { ValidationError } from '../../errors';
import type { Services } from '../../services';

// What create and update both refuse, named by field.
export function refuse(fields: Record<string, string>): never {
  const [field, message] = Object.entries(fields)[0];
  throw new ValidationError(`Invalid body field ${field}: ${message}`, { fields: Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, [v]])) });
}

// The inbox that answers a stream's posts must be one of the stream's platform (Bluesky has no
// channel yet, so its posts can be listened to and dismissed, not answered).
export async function checkInbox(s: Services, platform: string, inboxId: number | null | undefined): Promise<void> {
  if (!inboxId) return;
  const inbox = await inboxRepository.findById(s.db.m, inboxId);
  if (!inbox) refuse({ inboxId: `There is no inbox ${inboxId}.` });
  if (inbox.channel !== platform) refuse({ inboxId: `Inbox “${inbox.name}” is a ${inbox.channel} inbox; choose a ${platform} inbox.` });
}

