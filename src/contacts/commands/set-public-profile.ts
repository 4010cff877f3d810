import { AVATAR_COLOURS, displayNameProblem } from '../../community/public-name';
import { contactRepository } from '../../db/repositories/contact.repository';
import type { Db } from '../../db/transaction';
import { NotFoundError, ValidationError } from '../../errors';

export interface PublicProfileInput { displayName?: string | null; avatarColor?: string | null }

// Checks a public profile without storing it: the sign-in page checks first, so a bad name never
// costs the customer their one-time link.
export function checkPublicProfile(input: PublicProfileInput): { displayName?: string | null; avatarColor?: string | null } {
  const fields: Record<string, string[]> = {};
  const out: { displayName?: string | null; avatarColor?: string | null } = {};
  if (input.displayName !== undefined) {
    const name = (input.displayName ?? '').replace(/\s+/g, ' ').trim();
    const problem = name ? displayNameProblem(name) : null;
    if (problem) fields.displayName = [problem];
    out.displayName = name || null;
  }
  if (input.avatarColor !== undefined) {
    const colour = (input.avatarColor ?? '').trim();
    if (colour && !(AVATAR_COLOURS as readonly string[]).includes(colour)) fields.avatarColor = [`One of ${AVATAR_COLOURS.join(', ')}`];
    out.avatarColor = colour || null;
  }
  if (Object.keys(fields).length) throw new ValidationError(Object.values(fields)[0][0], { fields });
  return out;
}

// The customer's own choice of how they appear in public. An empty name goes back to the
// neutral "Customer 4F2A" style name.
export async function setPublicProfile(db: Db, contactId: number, input: PublicProfileInput): Promise<void> {
  const patch = checkPublicProfile(input);
  await db.write(async (m) => {
    if (!(await contactRepository.findById(m, contactId))) throw new NotFoundError('Contact');
    await contactRepository.update(m, contactId, patch);
  });
}
