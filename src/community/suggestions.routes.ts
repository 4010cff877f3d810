import type { Router } from 'express';
import { z } from 'zod';
import { suggestSolvedQuestions } from '../db/repositories/search.repository';
import { queryText } from '../http/input-text';
import { defineRoute } from '../http/route';
import type { Services } from '../services';
import { threadPath } from '../web/thread-path';

const suggestion = z.object({ id: z.number().int(), title: z.string(), href: z.string(), accepted: z.boolean() });

// Self-service before a ticket exists: while someone types a question (the community's ask form,
// a web form's subject), solved public questions with the same words are offered. Anyone may
// ask — it only ever returns what the public community already shows.
export function suggestionRoutes(r: Router, s: Services): void {
  defineRoute(r, s, {
    method: 'get', path: '/api/community/suggestions', tag: 'community', summary: 'Solved public questions similar to a question being typed',
    query: z.object({ q: queryText(250), limit: z.coerce.number().int().min(1).max(10).default(5) }),
    authorize: () => true,
    response: z.object({ suggestions: z.array(suggestion) }),
    handler: async ({ query, res }) => {
      res.setHeader('cache-control', 'no-store');
      const found = await suggestSolvedQuestions(s.db.m, query.q, query.limit);
      return { suggestions: found.map((t) => ({ id: t.id, title: t.subject, href: threadPath({ ...t, visibility: 'public' }), accepted: t.acceptedMessageId !== null })) };
    },
  });
}
