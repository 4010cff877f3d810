import type { InboundPerson } from '../../channels/inbound-message';
import { contactRepository } from '../../db/repositories/contact.repository';
import type { IngestDeps, Step } from '../context';

// Step 4: find or create the contact behind each identity (author, then CC'd people).
export const identify: Step = async (ctx, deps) => {
  const msg = ctx.msg!;
  ctx.authorContactId = await findOrCreateContact(deps, msg.author);
  for (const p of msg.participants ?? []) {
    const id = await findOrCreateContact(deps, p);
    if (id !== ctx.authorContactId && !ctx.participantContactIds.includes(id)) ctx.participantContactIds.push(id);
  }
};

export async function findOrCreateContact(deps: IngestDeps, p: InboundPerson): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const found = await contactRepository.findIdentity(deps.db.m, p.kind, p.value);
    if (found) {
      if (p.followers != null || p.handle || p.displayName) {
        const patch = { followers: p.followers, handle: p.handle, displayName: p.displayName };
        const changed = Object.entries(patch).some(([k, v]) => v != null && (found as unknown as Record<string, unknown>)[k] !== v);
        if (changed) await deps.db.write((m) => contactRepository.refreshIdentity(m, found.id, patch));
      }
      return found.contactId;
    }
    try {
      // A savepoint inside the pipeline's item transaction, so a lost race rolls back alone.
      return await deps.db.savepoint(async ({ m }) => {
        const now = deps.now();
        const contactId = await contactRepository.create(m, (p.name || p.displayName || p.handle || p.value).trim().slice(0, 200), now);
        await contactRepository.addIdentity(m, contactId, p, now);
        return contactId;
      });
    } catch (err) {
      // Another node created the same identity a moment ago: use theirs.
      if (attempt < 2 && deps.db.isUniqueViolation(err)) continue;
      throw err;
    }
  }
}
