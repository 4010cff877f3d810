import { z } from 'zod';
import { contactRepository } from '../../db/repositories/contact.repository';
import type { Db } from '../../db/transaction';
import { ConflictError, NotFoundError, ValidationError } from '../../errors';

export const contactPatchSchema = z.object({
  name: z.string().trim().min(1, 'Give the contact a name.').max(200, 'At most 200 characters.').optional(),
  notes: z.string().max(10_000, 'Notes: at most 10,000 characters.').optional(),
  customFields: z.array(z.object({
    key: z.string().trim().min(1, 'Name the field.').max(60, 'A field name has at most 60 characters.'),
    value: z.string().trim().max(500, 'A value has at most 500 characters.'),
  })).max(30, 'At most 30 custom fields.').optional(),
});
export type ContactPatch = z.infer<typeof contactPatchSchema>;

// What agents keep about a contact: the name they go by, notes, custom fields (staff only).
export async function updateContact(db: Db, contactId: number, patch: ContactPatch): Promise<void> {
  const parsed = contactPatchSchema.safeParse(patch);
  if (!parsed.success) {
    const fields: Record<string, string[]> = {};
    for (const i of parsed.error.issues) (fields[i.path.join('.')] ??= []).push(i.message);
    throw new ValidationError(parsed.error.issues[0].message, { fields });
  }
  const p = parsed.data;
  const keys = (p.customFields ?? []).map((f) => f.key.toLowerCase());
  const dup = keys.find((k, i) => keys.indexOf(k) !== i);
  if (dup) throw new ValidationError(`The custom field “${dup}” is given twice.`, { fields: { customFields: [`“${dup}” is given twice.`] } });
  await db.transaction(async ({ m }) => {
    const c = await contactRepository.findById(m, contactId);
    if (!c) throw new NotFoundError('Contact');
    if (c.mergedIntoId) throw new ConflictError('That contact was merged into another one; edit that one.');
    await contactRepository.update(m, contactId, {
      ...(p.name !== undefined ? { name: p.name } : {}),
      ...(p.notes !== undefined ? { notes: p.notes.trim() || null } : {}),
      ...(p.customFields !== undefined ? { customFields: p.customFields.filter((f) => f.value) } : {}),
    });
  });
}
