import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { renderAgent } from '../../agent-web/agent-page';
import type { ErasureRequest } from '../../db/entities';
import { erasureRepository } from '../../db/repositories/erasure.repository';
import { AppError, ConflictError, ValidationError } from '../../errors';
import { defineRoute } from '../../http/route';
import { adminOnly } from '../../http/routes/admin-pages.routes';
import type { Services } from '../../services';
import { eraseContact } from '../../contacts/commands/erase-contact';
import { pageT } from '../../agent-web/page-text';

const present = (e: ErasureRequest) => ({
  id: e.id, contactId: e.contactId, mode: e.mode, state: e.state, reason: e.reason, refusal: e.refusal, requestedBy: e.requestedBy, counts: e.counts ?? {}, createdAt: new Date(e.createdAt).toISOString(),
});
const eraseBody = z.object({
  mode: z.enum(['redact', 'delete']).default('redact').describe('`redact`: the person\'s words, names and addresses are removed from their tickets, which stay; `delete`: the tickets they asked are deleted whole, the others redacted'),
  confirm: z.coerce.number().int().positive().describe('The contact\'s number again, to confirm'),
  reason: z.string().max(500).optional(),
});

async function listPage(s: Services, req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) {
  const requests = (await erasureRepository.list(s.db.m, 100)).map((e) => ({ ...present(e), countsText: Object.entries(e.counts ?? {}).map(([k, v]) => `${k} ${v}`).join(', ') }));
  return renderAgent(s, req, res, 'pages/admin/erasures', { title: pageT(req)('admin.erasures.title'), nav: { admin: true }, section: { erasures: true }, requests, values: {}, fields: {}, ...extra }, status);
}

// Erasure requests: an admin forgets a contact (API and admin page, both with a confirmation).
export function erasureRoutes(r: Router, s: Services): void {
  defineRoute(r, s, {
    method: 'post', path: '/api/contacts/:id/erase', tag: 'contacts', summary: 'Erase a contact (access and erasure requests): refused with 409 while a legal hold applies; the request is recorded either way',
    params: z.object({ id: z.coerce.number().int().positive() }), body: eraseBody, authorize: adminOnly,
    handler: async ({ params, body, viewer }) => {
      if (body.confirm !== params.id) throw new ValidationError('Confirm with the contact\'s number.', { fields: { confirm: [`Must be ${params.id}.`] } });
      const r = await eraseContact(s.commands, viewer, params.id, body);
      if (r.state === 'refused') throw new ConflictError(r.refusal!, { requestId: r.requestId });
      return { erasure: r };
    },
  });

  defineRoute(r, s, {
    method: 'get', path: '/api/erasures', tag: 'contacts', summary: 'Erasure requests, newest first',
    query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50), before: z.coerce.number().int().positive().optional() }), authorize: adminOnly,
    handler: async ({ query }) => ({ erasures: (await erasureRepository.list(s.db.m, query.limit, query.before)).map(present) }),
  });

  defineRoute(r, s, { method: 'get', path: '/admin/erasures', tag: 'admin', summary: 'Erasure requests', authorize: adminOnly, handler: ({ req, res }) => listPage(s, req, res) });

  defineRoute(r, s, {
    method: 'post', path: '/admin/erasures', tag: 'admin', summary: 'Erase a contact from the admin page (after typing its number again)', form: true, authorize: adminOnly,
    handler: async ({ req, res, viewer }) => {
      const raw = req.body as Record<string, string>;
      const form = z.object({ contactId: z.coerce.number({ message: 'Enter the contact\'s number' }).int().positive('Enter the contact\'s number'), confirm: z.coerce.number().int().optional(), reason: z.string().max(500).optional(), understood: z.literal('1', { message: 'Tick the box: this cannot be undone' }), mode: z.enum(['redact', 'delete']).default('redact') }).safeParse(raw);
      if (!form.success) {
        const fields = Object.fromEntries(form.error.issues.map((i) => [String(i.path[0]), i.message]));
        return listPage(s, req, res, { values: raw, fields, error: pageT(req)('admin.common.checkFields') }, 422);
      }
      if (form.data.confirm !== form.data.contactId) return listPage(s, req, res, { values: raw, fields: { confirm: `Type ${form.data.contactId} again to confirm.` }, error: pageT(req)('admin.common.checkFields') }, 422);
      try {
        const r = await eraseContact(s.commands, viewer, form.data.contactId, { mode: form.data.mode, reason: form.data.reason });
        return listPage(s, req, res, r.state === 'refused' ? { error: pageT(req)('admin.erasures.refusedWhy', { why: r.refusal }) } : { notice: pageT(req)('admin.erasures.done', { id: form.data.contactId, request: r.requestId }) }, r.state === 'refused' ? 409 : 200);
      } catch (err) {
        if (err instanceof AppError && err.status < 500) return listPage(s, req, res, { values: raw, error: err.message }, err.status);
        throw err;
      }
    },
  });
}
