import { settingsSchemaFor } from '../channels/channel-settings';
import type { ClosedReplies, Inbox } from '../db/entities';
import { inboxRepository } from '../db/repositories/inbox.repository';
import type { Db } from '../db/transaction';
import { NotFoundError, ValidationError } from '../errors';

export interface UpdateInboxInput {
  name?: string;
  defaultTeamId?: number | null;
  followUpDays?: number;
  closedReplies?: ClosedReplies;
  roundRobin?: boolean;
  calendarId?: number | null;
  autoCloseDays?: number | null;
  // Top-level keys replace the stored ones (send a nested block such as `imap` whole).
  settings?: Record<string, unknown>;
}

// Changes an inbox; pollers and listeners of the inbox follow the change at once (inbox.changed).
export async function updateInbox(db: Db, id: number, input: UpdateInboxInput): Promise<Inbox> {
  return db.transaction(async ({ m, emit }) => {
    const inbox = await inboxRepository.findById(m, id);
    if (!inbox) throw new NotFoundError('Inbox');
    const { settings, ...rest } = input;
    const patch: Partial<Inbox> = { ...rest };
    if (settings) {
      const parsed = settingsSchemaFor(inbox.channel).safeParse({ ...(inbox.settings ?? {}), ...settings });
      if (!parsed.success) {
        const fields: Record<string, string[]> = {};
        for (const i of parsed.error.issues) (fields[`settings.${i.path.join('.')}`] ??= []).push(i.message);
        throw new ValidationError(`The ${inbox.channel} settings are not valid: ${Object.entries(fields)[0].join(' ')}`, { fields });
      }
      patch.settings = parsed.data as Record<string, unknown>;
    }
    if (Object.keys(patch).length) await inboxRepository.update(m, id, patch);
    emit('inbox.changed', { inboxId: id });
    return (await inboxRepository.findById(m, id))!;
  });
}
