import { z } from 'zod';

// What a bulk action did, carried on the redirect back to the inbox (the bulk bar is a plain
// form): how many tickets changed, and which were refused and why (the first few).
const MAX_LISTED = 20;

export function withBulkReport(href: string, done: number, failed: { id: number; reason: string }[]): string {
  const u = new URL(href, 'http://x');
  for (const k of ['done', 'refused', 'more']) u.searchParams.delete(k);
  u.searchParams.set('done', String(done));
  if (failed.length) {
    u.searchParams.set('refused', failed.slice(0, MAX_LISTED).map((f) => `${f.id}~${f.reason.slice(0, 160).replace(/[|~]/g, ' ')}`).join('|'));
    if (failed.length > MAX_LISTED) u.searchParams.set('more', String(failed.length - MAX_LISTED));
  }
  return u.pathname + u.search;
}

export const bulkReport = z.object({
  done: z.coerce.number().int().min(0).optional().catch(undefined),
  refused: z.string().max(4000).optional().catch(undefined),
  more: z.coerce.number().int().min(0).optional().catch(undefined),
});

export function bulkNotice(q: z.infer<typeof bulkReport>) {
  if (q.done === undefined) return null;
  const refused = (q.refused ?? '').split('|').filter(Boolean).map((x) => {
    const [id, ...rest] = x.split('~');
    return { id: Number(id), reason: rest.join('~') };
  }).filter((x) => Number.isInteger(x.id) && x.id > 0);
  return { done: q.done, refused, more: q.more ?? 0 };
}
