import { z } from 'zod';
import { CHANNEL_KINDS, type ChannelKind } from '../db/entities';
import { apiInboxSettingsSchema } from './api/api-message.schema';

// Each channel kind's settings schema; channel modules add theirs at import time.
const schemas = new Map<ChannelKind, z.ZodType<Record<string, unknown>>>([['api', apiInboxSettingsSchema as z.ZodType<Record<string, unknown>>]]);

export function registerChannelSettings(kind: ChannelKind, schema: z.ZodType<Record<string, unknown>>): void {
  schemas.set(kind, schema);
}

export function settingsSchemaFor(kind: ChannelKind): z.ZodType<Record<string, unknown>> {
  return schemas.get(kind) ?? z.record(z.string(), z.unknown());
}

export const channelKindSchema = z.enum(CHANNEL_KINDS);
