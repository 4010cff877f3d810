import { newToken } from '../auth/secrets';
import { addInboxFirstResponsePolicy } from '../automation/sla/inbox-default-policy';
import { settingsSchemaFor } from '../channels/channel-settings';
import type { ChannelKind, ClosedReplies, Inbox } from '../db/entities';
import { inboxRepository } from '../db/repositories/inbox.repository';
import type { Db } from '../db/transaction';
import { ValidationError } from '../errors';

export interface CreateInboxInput {
  name: string;
  channel: ChannelKind;
  address?: string | null;
  settings?: Record<string, unknown>;
  secret?: string;
  defaultTeamId?: number | null;
  followUpDays?: number;
  closedReplies?: ClosedReplies;
  firstResponseMinutes?: number | null;
  calendarId?: number | null;
  autoCloseDays?: number | null;
}

// Returns the inbox with its secret: the only time the secret is shown.
export async function createInbox(db: Db, now: number, input: CreateInboxInput): Promise<Inbox> {
  const parsed = settingsSchemaFor(input.channel).safeParse(input.settings ?? {});
  if (!parsed.success) {
    const fields: Record<string, string[]> = {};
    for (const i of parsed.error.issues) (fields[`settings.${i.path.join('.')}`] ??= []).push(i.message);
    throw new ValidationError(`The ${input.channel} settings are not valid: ${Object.entries(fields)[0].join(' ')}`, { fields });
  }
  return db.transaction(async ({ m, emit }) => {
    const id = await inboxRepository.insert(m, {
      name: input.name, channel: input.channel, settings: parsed.data, secret: input.secret ?? newToken(24),
      address: input.address?.toLowerCase() ?? null, defaultTeamId: input.defaultTeamId ?? null, followUpDays: input.followUpDays ?? 30, closedReplies: input.closedReplies ?? 'follow-up', autoCloseDays: input.autoCloseDays ?? null,
      calendarId: input.calendarId ?? null, roundRobin: false, createdAt: now,
    });
    // The target lives in an SLA policy now (the inbox column is no longer read).
    if (input.firstResponseMinutes) await addInboxFirstResponsePolicy(m, { id, name: input.name }, input.firstResponseMinutes, now);
    emit('inbox.changed', { inboxId: id });
    return (await inboxRepository.findById(m, id))!;
  });
}
