import { z } from 'zod';
import { CHANNEL_KINDS, PRIORITIES } from '../../db/entities';

const minutes = (what: string) => z.number().int(`${what} must be whole minutes.`).min(1, `${what} must be at least 1 minute.`).max(525_600, `${what} must be at most a year.`).nullable().optional();

export const slaConditionsSchema = z.object({
  inboxIds: z.array(z.number().int().positive()).max(100).optional(),
  channels: z.array(z.enum([...CHANNEL_KINDS, 'community'] as [string, ...string[]])).max(20).optional(),
  priorities: z.array(z.enum(PRIORITIES)).max(4).optional(),
  tags: z.array(z.string().trim().min(1).max(100)).max(50).optional(),
  minReach: z.number().int().min(0, 'Reach is a number of followers, 0 or more.').optional(),
  visibility: z.enum(['public', 'private']).optional(),
}).strict();

export const slaPolicyInputSchema = z.object({
  name: z.string().trim().min(1, 'Give the policy a name.').max(200),
  enabled: z.boolean().default(true),
  position: z.number().int().min(1).optional().describe('Order among policies (1 first); the first that matches applies. Default: last.'),
  conditions: slaConditionsSchema.default({}),
  firstResponseMinutes: minutes('The first-response target'),
  nextResponseMinutes: minutes('The next-response target'),
  resolutionMinutes: minutes('The resolution target'),
  warnBeforeMinutes: z.number().int().min(0, 'The warning must be 0 (none) or more minutes before the due time.').max(525_600).default(0),
  businessHours: z.boolean().default(true).describe('Count the business hours of the ticket\'s team or inbox calendar instead of wall-clock time'),
}).refine((p) => p.firstResponseMinutes || p.nextResponseMinutes || p.resolutionMinutes, { message: 'Set at least one target (first response, next response or resolution).', path: ['firstResponseMinutes'] });
export type SlaPolicyInput = z.infer<typeof slaPolicyInputSchema>;
