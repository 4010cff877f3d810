import { z } from 'zod';
import { CHANNEL_KINDS, type ChannelKind } from '../db/entities';
import { apiInboxSettingsSchema } from './api/api-message.schema';

// Each channel kind's settings schema; channel modules add theirs at import time.
const schemas = new Map<ChannelKind, z.ZodType<Record<string, unknown>>>([['api', apiInboxSettingsSchema as z.ZodType<Record<string, unknown>>]]);
// Settings every inbox has whatever its channel (e.g. `csat`), keyed by their settings key.
const common: Record<string, z.ZodType> = {};

export function registerChannelSettings(kind: ChannelKind, schema: z.ZodType<Record<string, unknown>>): void {
  schemas.set(kind, schema);
}

export function registerCommonSettings(key: string, schema: z.ZodType): void {
  common[key] = schema.optional();
}

export function settingsSchemaFor(kind: ChannelKind): z.ZodType<Record<string, unknown>> {
  const own = schemas.get(kind) ?? z.record(z.string(), z.unknown());
  if (!Object.keys(common).length) return own;
  if (own instanceof z.ZodObject) return own.extend(common) as unknown as z.ZodType<Record<string, unknown>>;
  return z.intersection(own, z.object(common)) as unknown as z.ZodType<Record<string, unknown>>;
}

export const channelKindSchema = z.enum(CHANNEL_KINDS);
