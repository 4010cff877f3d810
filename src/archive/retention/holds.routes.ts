import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { renderAgent } from '../../agent-web/agent-page';
import { HOLD_SCOPES } from '../../db/entities';
import { legalHoldRepository } from '../../db/repositories/legal-hold.repository';
import { AppError } from '../../errors';
import { defineRoute } from '../../http/route';
import { retentionPolicy } from './retention.policy';
import type { Services } from '../../services';
import { HOLD_REASON_MAX, placeHold } from './commands/place-hold';
import { releaseHold } from './commands/release-hold';
import { holdSchema, presentHolds, targetPath } from './hold.presenter';
import { pageT } from '../../agent-web/page-text';

const idParams = z.object({ id: z.coerce.number().int().positive() });
const reason = z.string().trim().min(1, 'Give the reason.').max(HOLD_REASON_MAX, `Keep the reason under ${HOLD_REASON_MAX} characters.`);
const placeBody = z.object({ scope: z.enum(HOLD_SCOPES), targetId: z.coerce.number().int().positive(), reason });

async function holdsPage(s: Services, req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) {
  const holds = (await presentHolds(s.db.m, await legalHoldRepository.list(s.db.m))).map((h) => ({ ...h, scopeLabel: pageT(req)(`admin.choices.holdScope.${h.scope}`), href: targetPath(h) }));
  return renderAgent(s, req, res, 'pages/admin/holds', {
    title: pageT(req)('admin.holds.title'), nav: { admin: true }, section: { holds: true },
    active: holds.filter((h) => h.active), past: holds.filter((h) => !h.active),
    scopes: HOLD_SCOPES.map((x) => ({ value: x, label: pageT(req)(`admin.choices.holdScope.${x}`) })), values: {}, ...extra,
  }, status);
}

// Legal holds: admins only, in the API and on /admin/holds.
export function holdsRoutes(r: Router, s: Services): void {
  defineRoute(r, s, {
    method: 'get', path: '/api/holds', tag: 'archive', summary: 'Legal holds, active first, then lifted ones (admins)',
    authorize: retentionPolicy.api, response: z.object({ holds: z.array(holdSchema) }),
    handler: async () => ({ holds: await presentHolds(s.db.m, await legalHoldRepository.list(s.db.m)) }),
  });

  defineRoute(r, s, {
    method: 'post', path: '/api/holds', tag: 'archive', summary: 'Place a legal hold on a ticket, a contact or an inbox: nothing it covers is deleted until it is lifted',
    body: placeBody, authorize: retentionPolicy.api, status: 201, errors: [404], response: z.object({ hold: holdSchema }),
    handler: async ({ body, viewer }) => ({ hold: (await presentHolds(s.db.m, [await placeHold(s.commands, viewer, body)]))[0] }),
  });

  defineRoute(r, s, {
    method: 'post', path: '/api/holds/:id/release', tag: 'archive', summary: 'Lift a legal hold, with a reason',
    params: idParams, body: z.object({ reason }), authorize: retentionPolicy.api, errors: [404, 409], response: z.object({ hold: holdSchema }),
    handler: async ({ params, body, viewer }) => ({ hold: (await presentHolds(s.db.m, [await releaseHold(s.commands, viewer, params.id, body.reason)]))[0] }),
  });

  defineRoute(r, s, { method: 'get', path: '/admin/holds', tag: 'admin', summary: 'Legal holds', authorize: retentionPolicy.page, handler: ({ req, res }) => holdsPage(s, req, res) });

  defineRoute(r, s, {
    method: 'post', path: '/admin/holds', tag: 'admin', summary: 'Place a legal hold from the admin page', form: true, authorize: retentionPolicy.page,
    handler: async ({ req, res, viewer }) => {
      const raw = req.body as Record<string, string>;
      const parsed = placeBody.safeParse(raw);
      const values = { scope: raw.scope, targetId: raw.targetId, reason: raw.reason };
      if (!parsed.success) return holdsPage(s, req, res, { values, error: parsed.error.issues[0].message }, 422);
      try {
        await placeHold(s.commands, viewer, parsed.data);
      } catch (err) {
        if (err instanceof AppError && err.status < 500) return holdsPage(s, req, res, { values, error: err.message }, err.status);
        throw err;
      }
      return void res.redirect(303, '/admin/holds');
    },
  });

  // Lifting needs a reason and the confirmation box ticked: a slip of the mouse must not free
  // a ticket for deletion.
  defineRoute(r, s, {
    method: 'post', path: '/admin/holds/:id/release', tag: 'admin', summary: 'Lift a legal hold from the admin page (reason and confirmation required)', form: true, params: idParams, authorize: retentionPolicy.page,
    handler: async ({ req, res, params, viewer }) => {
      const raw = req.body as Record<string, string>;
      if (raw.confirm !== '1') return holdsPage(s, req, res, { error: `Hold ${params.id} was not lifted: tick the box to confirm.` }, 422);
      try {
        await releaseHold(s.commands, viewer, params.id, raw.reason ?? '');
      } catch (err) {
        if (err instanceof AppError && err.status < 500 && err.status !== 404) return holdsPage(s, req, res, { error: `Hold ${params.id} was not lifted: ${err.message}` }, err.status);
        throw err;
      }
      return void res.redirect(303, '/admin/holds');
    },
  });
}
