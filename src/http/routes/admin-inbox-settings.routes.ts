import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { renderAgent } from '../../agent-web/agent-page';
import type { Inbox } from '../../db/entities';
import { inboxRepository } from '../../db/repositories/inbox.repository';
import { AppError, NotFoundError } from '../../errors';
import { parseAdvanced, settingsErrors, settingsFormOf, settingsFromForm } from '../../inboxes/settings-form/settings-form';
import { updateInbox } from '../../inboxes/update-inbox';
import type { Services } from '../../services';
import { presentInbox } from '../presenters/inbox.presenter';
import { defineRoute } from '../route';
import { adminOnly } from './admin-pages.routes';
import { pageT, pageText } from '../../agent-web/page-text';

const idParams = z.object({ id: z.coerce.number().int().positive() });

function page(s: Services, req: Request, res: Response, inbox: Inbox, extra: { posted?: Record<string, unknown>; fields?: Record<string, string>; error?: string; saved?: boolean } = {}, status = 200) {
  return renderAgent(s, req, res, 'pages/admin/inbox-settings', {
    title: pageT(req)('admin.inboxSettings.title', { name: inbox.name }), nav: { admin: true }, section: { inboxes: true }, inbox: presentInbox(inbox),
    groups: settingsFormOf(inbox.channel, inbox.settings, extra.posted, pageText(req)), currentJson: JSON.stringify(presentInbox(inbox).settings),
    advanced: typeof extra.posted?.settings === 'string' ? extra.posted.settings : '', fields: extra.fields ?? {}, error: extra.error, saved: extra.saved,
  }, status);
}

// One inbox's channel settings as a form of that channel's fields, the raw JSON kept as
// "advanced"; a refused value is shown beside its field, named, with everything typed kept.
export function adminInboxSettingsPages(r: Router, s: Services): void {
  defineRoute(r, s, {
    method: 'get', path: '/admin/inboxes/:id/settings', tag: 'admin', summary: 'The channel settings form of an inbox',
    params: idParams, query: z.object({ saved: z.string().max(5).optional() }), authorize: adminOnly,
    handler: async ({ req, res, params, query }) => {
      const inbox = await inboxRepository.findById(s.db.m, params.id);
      if (!inbox) throw new NotFoundError('Inbox');
      return page(s, req, res, inbox, { saved: !!query.saved });
    },
  });
  defineRoute(r, s, {
    method: 'post', path: '/admin/inboxes/:id/settings', tag: 'admin', summary: 'Save the channel settings of an inbox from its form',
    params: idParams, form: true, authorize: adminOnly,
    handler: async ({ req, res, params }) => {
      const inbox = await inboxRepository.findById(s.db.m, params.id);
      if (!inbox) throw new NotFoundError('Inbox');
      const posted = (req.body ?? {}) as Record<string, unknown>;
      const advanced = parseAdvanced(posted.settings);
      if (!advanced.ok) return page(s, req, res, inbox, { posted, fields: { settings: advanced.error }, error: advanced.error }, 422);
      try {
        await updateInbox(s.db, inbox.id, { settings: { ...settingsFromForm(inbox.channel, posted, inbox.settings), ...advanced.value } });
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500) throw err;
        const { fields, summary } = settingsErrors(inbox.channel, ((err.details as { fields?: Record<string, string[]> } | null)?.fields) ?? {});
        return page(s, req, res, inbox, { posted, fields, error: Object.keys(fields).length ? summary : err.message }, Object.keys(fields).length ? 422 : err.status);
      }
      return void res.redirect(303, `/admin/inboxes/${inbox.id}/settings?saved=1`);
    },
  });
}
