import { platformLabel } from './platform-label';
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { renderAgent } from '../agent-web/agent-page';
import { LISTENING_PLATFORMS } from '../db/entities';
import { inboxRepository } from '../db/repositories/inbox.repository';
import { listeningStreamRepository } from '../db/repositories/listening-stream.repository';
import { AppError } from '../errors';
import { defineRoute } from '../http/route';
import { adminOnly } from '../http/routes/admin-pages.routes';
import type { Services } from '../services';
import { createStream } from './commands/create-stream';
import { deleteStream } from './commands/delete-stream';
import { updateStream } from './commands/update-stream';
import { createStreamBody, streamFormInput, updateStreamBody } from './stream-input';
import { presentStreams, type PresentedStream } from './stream.presenter';
import { pageT } from '../agent-web/page-text';

const idParams = z.object({ id: z.coerce.number().int().positive() });
type Fields = Record<string, string>;

function fieldErrors(err: z.ZodError): Fields {
  const out: Fields = {};
  for (const i of err.issues) out[String(i.path[0] ?? 'form')] ??= i.message;
  return out;
}
const appFields = (err: AppError): Fields =>
  Object.fromEntries(Object.entries(((err.details as { fields?: Record<string, string[]> } | null)?.fields) ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v[0] : String(v)]));

// A stream as the form shows it: lists back as comma-separated text, the token only as "set".
function formValues(st: Partial<PresentedStream> & Record<string, unknown>) {
  const join = (l: unknown) => (Array.isArray(l) ? l.join(', ') : '');
  const auto = st.autoTicket as { minFollowers: number | null; negative: boolean } | null | undefined;
  return {
    ...st, keywordsText: join(st.keywords), phrasesText: join(st.phrases), hashtagsText: join(st.hashtags), exclusionsText: join(st.exclusions),
    autoMinFollowers: auto?.minFollowers ?? '', autoNegative: !!auto?.negative,
  };
}

async function listPage(s: Services, req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) {
  const [streams, inboxes] = await Promise.all([listeningStreamRepository.list(s.db.m), inboxRepository.list(s.db.m)]);
  const presented = await presentStreams(s.db.m, streams, s.now());
  const replyInboxes = inboxes.filter((i) => (LISTENING_PLATFORMS as readonly string[]).includes(i.channel));
  const choices = (platform: unknown, inboxId: unknown) => ({
    platformChoices: LISTENING_PLATFORMS.map((p) => ({ value: p, label: platformLabel(p), selected: p === platform })),
    inboxChoices: replyInboxes.map((i) => ({ value: i.id, label: `${i.name} (${platformLabel(i.channel)})`, selected: i.id === Number(inboxId) })),
  });
  const values = (extra.values as Record<string, unknown> | undefined) ?? { platform: 'mastodon', enabled: true, pollSeconds: 60 };
  return renderAgent(s, req, res, 'pages/admin/listening', {
    title: pageT(req)('admin.listening.title'), nav: { admin: true }, section: { listening: true },
    streams: presented.map((p) => ({
      ...formValues(p), ...choices(p.platform, p.inboxId), platformLabel: platformLabel(p.platform),
      lastPolledText: p.lastPolledAt ? `${p.lastPolledAt.slice(0, 16).replace('T', ' ')} UTC` : pageT(req)('admin.listening.notPolled'),
      perDay: p.itemsPerDay, foundWeek: p.itemsPerDay.reduce((n, d) => n + d.count, 0),
      editFields: (extra.editError as { id: number; fields: Fields } | undefined)?.id === p.id ? (extra.editError as { fields: Fields }).fields : {},
    })),
    form: choices(values.platform, values.inboxId), fields: {}, ...extra, values: formValues(values),
  }, status);
}

export function streamsPageRoutes(r: Router, s: Services): void {
  defineRoute(r, s, { method: 'get', path: '/admin/listening', tag: 'admin', summary: 'Listening streams', authorize: adminOnly, handler: ({ req, res }) => listPage(s, req, res) });

  defineRoute(r, s, {
    method: 'post', path: '/admin/listening', tag: 'admin', summary: 'Add a listening stream from the admin page', form: true, authorize: adminOnly,
    handler: async ({ req, res, viewer }) => {
      const input = streamFormInput(req.body as Record<string, unknown>);
      const parsed = createStreamBody.safeParse(input);
      const values = { ...input, accessToken: undefined };
      if (!parsed.success) return listPage(s, req, res, { values, fields: fieldErrors(parsed.error), error: pageT(req)('admin.common.checkFields') }, 422);
      try {
        await createStream(s, parsed.data, viewer.kind === 'agent' ? viewer.agentId : null);
      } catch (err) {
        if (err instanceof AppError && err.status < 500) return listPage(s, req, res, { values, fields: appFields(err), error: err.message }, err.status === 400 ? 422 : err.status);
        throw err;
      }
      return void res.redirect(303, '/admin/listening?saved=1');
    },
  });

  defineRoute(r, s, {
    method: 'post', path: '/admin/listening/:id', tag: 'admin', summary: 'Change a listening stream from the admin page', form: true, params: idParams, authorize: adminOnly,
    handler: async ({ req, res, params }) => {
      const input = streamFormInput(req.body as Record<string, unknown>);
      const parsed = updateStreamBody.safeParse(input);
      if (!parsed.success) {
        const fields = fieldErrors(parsed.error);
        return listPage(s, req, res, { editError: { id: params.id, fields }, error: `Stream ${params.id} was not saved: ${Object.values(fields)[0]}` }, 422);
      }
      try {
        await updateStream(s, params.id, parsed.data);
      } catch (err) {
        if (err instanceof AppError && err.status < 500 && err.status !== 404) {
          const fields = appFields(err);
          return listPage(s, req, res, { editError: { id: params.id, fields }, error: `Stream ${params.id} was not saved: ${Object.values(fields)[0] ?? err.message}` }, 422);
        }
        throw err;
      }
      return void res.redirect(303, '/admin/listening');
    },
  });

  defineRoute(r, s, {
    method: 'post', path: '/admin/listening/:id/delete', tag: 'admin', summary: 'Delete a listening stream', form: true, params: idParams, authorize: adminOnly,
    handler: async ({ res, params }) => {
      await deleteStream(s, params.id);
      return void res.redirect(303, '/admin/listening');
    },
  });
}
