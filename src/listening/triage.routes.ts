import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { agentOnly, backTo, type AgentViewer } from '../agent-web/agent-page';
import { listeningItemRepository } from '../db/repositories/listening-item.repository';
import { AppError, ConflictError, NotFoundError } from '../errors';
import { idList } from '../http/form-fields';
import { presentMessages } from '../http/presenters/message.presenter';
import { messageSchema } from '../http/presenters/schemas';
import { defineRoute } from '../http/route';
import { listeningPolicy } from '../policies/listening.policy';
import type { Services } from '../services';
import { convertItem } from './commands/convert-item';
import { dismissItems } from './commands/dismiss-items';
import { replyToItem } from './commands/reply-to-item';
import { listeningItemSchema, presentListeningItems } from './item.presenter';
import { renderListening } from './listening-view.routes';

const idParams = z.object({ id: z.coerce.number().int().positive() });
const replyBody = z.object({
  text: z.string().max(20_000).describe('The public reply, posted under the post on its platform'),
  privateText: z.string().max(20_000).nullish().describe('Take it private: sent to the author as a direct message after the public reply'),
});
const triaged = z.object({ item: listeningItemSchema });
const agentsOnly = (v: Parameters<typeof listeningPolicy.triage>[0]) => agentOnly(v) && listeningPolicy.triage(v);

async function presentOne(s: Services, id: number) {
  const item = await listeningItemRepository.findById(s.db.m, id);
  if (!item) throw new NotFoundError('Listened post');
  return { item: (await presentListeningItems(s.db.m, [item]))[0] };
}

// Dismiss or spam one post: only a post still waiting in the view can be.
async function setAside(s: Services, id: number, as: 'dismissed' | 'spam') {
  const item = await listeningItemRepository.findById(s.db.m, id);
  if (!item) throw new NotFoundError('Listened post');
  if (!(await dismissItems(s.db, s.now(), [id], as)).length) throw new ConflictError(item.ticketId ? `This post is ticket #${item.ticketId} already.` : `This post was ${item.status} already.`);
}

// Triage from the listening view: each verb as a JSON operation (in the OpenAPI document) and
// as a plain form post from /listening (CSRF-checked; no script needed), which goes on to the
// new ticket or back to the view, or shows the view again with the refusal in words.
export function triageRoutes(r: Router, s: Services): void {
  defineRoute(r, s, {
    method: 'post', path: '/api/listening/items/:id/reply', tag: 'listening', status: 201,
    summary: 'Reply publicly to a listened post: it becomes a public ticket holding the post and the reply, which goes out under the post; privateText also takes it private (a direct message follows)',
    params: idParams, body: replyBody, authorize: listeningPolicy.triage,
    response: z.object({ ticketId: z.number().int(), messages: z.array(messageSchema) }),
    handler: async ({ params, body, viewer }) => {
      const out = await replyToItem(s, viewer as AgentViewer, params.id, body);
      return { ticketId: out.ticket.id, messages: await presentMessages(s.db.m, viewer, out.messages) };
    },
  });

  defineRoute(r, s, {
    method: 'post', path: '/api/listening/items/:id/convert', tag: 'listening',
    summary: 'Turn a listened post into a public ticket without replying (a post already a ticket answers with that ticket)',
    params: idParams, authorize: listeningPolicy.triage, response: z.object({ ticketId: z.number().int(), item: listeningItemSchema }),
    handler: async ({ params, viewer }) => {
      const ticket = await convertItem(s, params.id, { by: { kind: 'agent', agentId: (viewer as AgentViewer).agentId } });
      return { ticketId: ticket.id, ...(await presentOne(s, params.id)) };
    },
  });

  for (const [verb, as, summary] of [['dismiss', 'dismissed', 'Dismiss a listened post: it leaves the view and later polls do not bring it back'], ['spam', 'spam', 'Mark a listened post as spam: it leaves the view for good']] as const) {
    defineRoute(r, s, {
      method: 'post', path: `/api/listening/items/:id/${verb}`, tag: 'listening', summary,
      params: idParams, authorize: listeningPolicy.triage, response: triaged,
      handler: async ({ params }) => {
        await setAside(s, params.id, as);
        return presentOne(s, params.id);
      },
    });
  }

  defineRoute(r, s, {
    method: 'post', path: '/api/listening/items/dismiss', tag: 'listening', summary: 'Dismiss many listened posts at once; answers with those that were still waiting',
    body: z.object({ ids: z.array(z.number().int().positive()).min(1).max(500), as: z.enum(['dismissed', 'spam']).default('dismissed') }),
    authorize: listeningPolicy.triage, response: z.object({ dismissed: z.array(z.number().int()) }),
    handler: async ({ body }) => ({ dismissed: await dismissItems(s.db, s.now(), body.ids, body.as) }),
  });

  // The view's forms.
  const again = (req: Request, res: Response, err: unknown, itemId: number | null) => {
    if (!(err instanceof AppError) || err.status >= 500) throw err;
    return renderListening(s, req, res, { error: err.message, errorItem: itemId }, err.status === 400 ? 422 : err.status);
  };
  defineRoute(r, s, {
    method: 'post', path: '/listening/items/:id/reply', tag: 'pages', summary: 'Reply publicly (or take it private) from the listening view', form: true,
    params: idParams, body: z.object({ text: z.string().max(20_000).default(''), privateText: z.string().max(20_000).optional() }), authorize: agentsOnly,
    handler: async ({ req, res, params, body, viewer }) => {
      try {
        const out = await replyToItem(s, viewer as AgentViewer, params.id, { text: body.text, privateText: body.privateText ?? null });
        return void res.redirect(303, `/tickets/${out.ticket.id}#m-${out.messages[0].id}`);
      } catch (err) {
        return again(req, res, err, params.id);
      }
    },
  });
  defineRoute(r, s, {
    method: 'post', path: '/listening/items/:id/convert', tag: 'pages', summary: 'Make a listened post a ticket from the listening view', form: true,
    params: idParams, authorize: agentsOnly,
    handler: async ({ req, res, params, viewer }) => {
      try {
        const ticket = await convertItem(s, params.id, { by: { kind: 'agent', agentId: (viewer as AgentViewer).agentId } });
        return void res.redirect(303, `/tickets/${ticket.id}`);
      } catch (err) {
        return again(req, res, err, params.id);
      }
    },
  });
  for (const [verb, as] of [['dismiss', 'dismissed'], ['spam', 'spam']] as const) {
    defineRoute(r, s, {
      method: 'post', path: `/listening/items/:id/${verb}`, tag: 'pages', summary: `${verb === 'spam' ? 'Mark as spam' : 'Dismiss'} from the listening view`, form: true,
      params: idParams, authorize: agentsOnly,
      handler: async ({ req, res, params }) => {
        try {
          await setAside(s, params.id, as);
          return void res.redirect(303, backTo(req, '/listening'));
        } catch (err) {
          return again(req, res, err, params.id);
        }
      },
    });
  }
  defineRoute(r, s, {
    method: 'post', path: '/listening/dismiss', tag: 'pages', summary: 'Dismiss the ticked posts from the listening view', form: true,
    body: z.object({ ids: idList(), as: z.enum(['dismissed', 'spam']).default('dismissed') }), authorize: agentsOnly,
    handler: async ({ req, res, body }) => {
      if (!body.ids.length) return again(req, res, new AppError(422, 'validation_failed', 'Tick the posts to dismiss first.'), null);
      await dismissItems(s.db, s.now(), body.ids, body.as);
      return void res.redirect(303, backTo(req, '/listening'));
    },
  });
}
