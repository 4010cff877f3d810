import type { Router } from 'express';
import { z } from 'zod';
import { suggestSolvedQuestions } from '../db/repositories/search.repository';
import { queryText } from '../http/input-text';
import { defineRoute } from '../http/route';
import type { Services } from '../services';
import { threadPath } from '../web/thread-path';
import { ticketRepository } from '../db/repositories/ticket.repository';
import { recordSelfServiceAnswer, type SuggestionSource } from './commands/record-self-service-answer';

// Where the suggestion was offered: `community` (the ask form) or `form:<slug>` (a web form).
const suggestionSource = z.string().regex(/^(community|form:[a-z0-9-]{1,60})$/, 'Give community, or form:<slug>.');
const sourceOf = (v: string): SuggestionSource => (v === 'community' ? { kind: 'community' } : { kind: 'webform', slug: v.slice(5) });
const wantsJson = (accept: string | undefined) => (accept ?? '').includes('application/json');

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

  // "Yes, this answered my question" on a question opened from a suggestion: counted for the
  // reports (deflection before a ticket exists). A form post comes back to the question, thanked.
  defineRoute(r, s, {
    method: 'post', path: '/community/questions/:id/answered-me', tag: 'community', summary: 'Count a suggested solved question as having answered a visitor before they asked',
    params: z.object({ id: z.coerce.number().int().positive() }),
    body: z.object({ from: suggestionSource }),
    authorize: () => true,
    response: z.object({ recorded: z.boolean() }),
    status: 201,
    errors: [404, 429],
    handler: async ({ params, body, req, res }) => {
      await recordSelfServiceAnswer(s, params.id, sourceOf(body.from), req.ip);
      if (wantsJson(req.header('accept'))) return { recorded: true };
      const t = (await ticketRepository.findById(s.db.m, params.id))!;
      res.redirect(303, `${threadPath(t)}?answered=1`);
      return undefined;
    },
  });
}
