import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import { contactRepository } from '../db/repositories/contact.repository';
import { contactFigures, listContacts, type ContactKey, type ContactSort } from '../db/repositories/contact-list.repository';
import { queryText } from '../http/input-text';
import { presentContactRow, type ContactRow } from './contact-list.presenter';

// A cursor is where the previous page ended, opaque to clients: base64url of the sort and the
// last row's key. One made for the other order is refused rather than read wrongly.
export function encodeCursor(sort: ContactSort, key: ContactKey): string {
  return Buffer.from(JSON.stringify(sort === 'name' ? ['n', key.name, key.id] : ['i', key.id])).toString('base64url');
}

function decodeCursor(raw: string): { sort: ContactSort; key: ContactKey } | null {
  try {
    const v = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v[0] === 'i' && Number.isSafeInteger(v[1]) && v[1] > 0 && v.length === 2) return { sort: 'newest', key: { id: v[1] } };
    if (Array.isArray(v) && v[0] === 'n' && typeof v[1] === 'string' && Number.isSafeInteger(v[2]) && v[2] > 0 && v.length === 3) return { sort: 'name', key: { name: v[1], id: v[2] } };
  } catch {
    // not JSON: refused below
  }
  return null;
}

export const contactListQuery = z.object({
  q: queryText(200).optional(),
  sort: z.enum(['newest', 'name']).default('newest'),
  cursor: z.string().max(400).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
}).transform((v, ctx) => {
  if (!v.cursor) return { ...v, after: undefined };
  const c = decodeCursor(v.cursor);
  if (!c) ctx.addIssue({ code: 'custom', path: ['cursor'], message: 'Not a cursor this list gave out: start from the first page.' });
  else if (c.sort !== v.sort) ctx.addIssue({ code: 'custom', path: ['cursor'], message: `This cursor pages the list by ${c.sort}, not by ${v.sort}.` });
  return { ...v, after: c?.key };
});
export type ContactListQuery = z.infer<typeof contactListQuery>;

// One page of the list with each row's figures, and the cursor of the next page (null: last page).
export async function loadContactList(m: EntityManager, query: ContactListQuery): Promise<{ rows: ContactRow[]; nextCursor: string | null }> {
  const found = await listContacts(m, { q: query.q || undefined, sort: query.sort, after: query.after, limit: query.limit + 1 });
  const page = found.slice(0, query.limit);
  const ids = page.map((c) => c.id);
  const [identities, figures] = await Promise.all([contactRepository.identitiesOf(m, ids), contactFigures(m, ids)]);
  const last = page.at(-1);
  return {
    rows: page.map((c) => presentContactRow(c, identities.filter((i) => i.contactId === c.id), figures.get(c.id))),
    nextCursor: found.length > query.limit && last ? encodeCursor(query.sort, { id: last.id, name: last.sortName }) : null,
  };
}
