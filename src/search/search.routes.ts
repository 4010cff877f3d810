import type { Router } from 'express';
import { z } from 'zod';
import { searchMessages } from '../db/repositories/search.repository';
import { queryText } from '../http/input-text';
import { defineRoute } from '../http/route';
import type { Services } from '../services';

// Full-text search. Agents search everything; everyone else only public posts of public threads
// (the audience rule's "anyone" row), so a staff note or a private reply is never a result.
export function searchRoutes(r: Router, s: Services): void {
  defineRoute(r, s, {
    method: 'get', path: '/api/search', tag: 'search', summary: 'Search message texts (agents: all; others: public threads only)',
    query: z.object({ q: queryText(200).pipe(z.string().min(2, 'Type at least 2 characters')), limit: z.coerce.number().int().min(1).max(50).default(20) }),
    authorize: () => true,
    handler: async ({ query, viewer }) => {
      const hits = await searchMessages(s.db.m, query.q, { publicOnly: viewer.kind !== 'agent', limit: query.limit });
      return { results: hits.map((h) => ({ ...h, createdAt: new Date(h.createdAt).toISOString(), ...(viewer.kind === 'agent' ? {} : { audience: undefined }) })) };
    },
  });
}
