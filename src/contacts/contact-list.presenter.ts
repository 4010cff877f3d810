import { z } from 'zod';
import type { Identity } from '../db/entities';
import type { ContactFigures, ContactListRow } from '../db/repositories/contact-list.repository';

const identitySchema = z.object({ kind: z.string(), value: z.string(), handle: z.string().nullable(), followers: z.number().int().nullable() });

// One row of the agents' contacts list (staff information: no customer surface serves it).
export const contactRowSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  // The first e-mail address, else the first identity they came through.
  mainIdentity: identitySchema.nullable(),
  identityCount: z.number().int(),
  // The most followers any of their identities has (null: no platform reports any).
  reach: z.number().int().nullable(),
  openTickets: z.number().int(),
  lastActivityAt: z.string().nullable(),
  createdAt: z.string(),
});
export type ContactRow = z.infer<typeof contactRowSchema>;

export const contactListSchema = z.object({ contacts: z.array(contactRowSchema), nextCursor: z.string().nullable() });

export function presentContactRow(c: ContactListRow, identities: Identity[], f: ContactFigures | undefined): ContactRow {
  const main = identities.find((i) => i.kind === 'email') ?? identities[0] ?? null;
  const counted = identities.filter((i) => i.followers !== null).map((i) => i.followers as number);
  return {
    id: c.id,
    name: c.name,
    mainIdentity: main && { kind: main.kind, value: main.value, handle: main.handle, followers: main.followers },
    identityCount: identities.length,
    reach: counted.length ? Math.max(...counted) : null,
    openTickets: f?.openTickets ?? 0,
    lastActivityAt: f?.lastActivityAt ? new Date(f.lastActivityAt).toISOString() : null,
    createdAt: new Date(c.createdAt).toISOString(),
  };
}
