import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { agentLocale, agentOnly, renderAgent } from '../agent-web/agent-page';
import { reportText } from '../reports/report-text';
import { listeningItemRepository } from '../db/repositories/listening-item.repository';
import { defineRoute } from '../http/route';
import { listeningPolicy } from '../policies/listening.policy';
import type { Services } from '../services';
import { listeningItemSchema } from './item.presenter';
import { itemView, listeningPage } from './listening-view';

const PAGE = 50;
const viewQuery = z.object({
  sort: z.enum(['newest', 'priority'], 'Sort by newest or priority.').default('newest'),
  after: z.string().regex(/^\d+\.\d+$/, 'Use the next value of the previous page.').optional(),
  limit: z.coerce.number().int().min(1).max(200).default(PAGE),
});

export function listeningViewRoutes(r: Router, s: Services): void {
  defineRoute(r, s, {
    method: 'get', path: '/api/listening/items', tag: 'listening',
    summary: 'Listened posts that are not tickets yet: newest first, or by priority (reach, tripled for a negative post); page on with after=<next>',
    query: viewQuery, authorize: listeningPolicy.triage,
    response: z.object({ items: z.array(listeningItemSchema), next: z.string().nullable(), total: z.number().int() }),
    handler: async ({ query }) => {
      const [page, total] = await Promise.all([listeningPage(s.db.m, query.sort, query.limit, query.after), listeningItemRepository.countNew(s.db.m)]);
      return { ...page, total };
    },
  });

  defineRoute(r, s, {
    method: 'get', path: '/listening', tag: 'agent', summary: 'The listening view: posts the streams found, live', query: viewQuery,
    authorize: (v) => agentOnly(v) && listeningPolicy.triage(v),
    handler: ({ req, res }) => renderListening(s, req, res),
  });
}

// The view (also shown again by a triage form that was refused, with the reason beside the post).
export async function renderListening(s: Services, req: Request, res: Response, extra: { error?: string; errorItem?: number | null } = {}, status = 200): Promise<undefined> {
  const parsed = viewQuery.safeParse(req.method === 'GET' ? req.query : {});
  const query = parsed.success ? parsed.data : viewQuery.parse({});
  const [page, total] = await Promise.all([listeningPage(s.db.m, query.sort, query.limit, query.after), listeningItemRepository.countNew(s.db.m)]);
  const t = reportText(agentLocale(req));
  return renderAgent(s, req, res, 'pages/agent/listening', {
    title: t('reports.listening.title'), nav: { listening: true }, scripts: ['/static/agent-listening.js'],
    items: page.items.map((i) => itemView(i, t)).map((i) => ({ ...i, error: extra.errorItem === i.id ? extra.error : null })),
    error: extra.error && !page.items.some((i) => i.id === extra.errorItem) ? extra.error : null,
    total, sort: query.sort, byPriority: query.sort === 'priority', paged: !!query.after,
    next: page.next ? `/listening?sort=${query.sort}&after=${page.next}` : null,
  }, status);
}
