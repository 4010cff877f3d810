import type { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../../services';
import { defineRoute } from '../route';

// Server-rendered pages. The agent inbox and customer pages build on these.
export function pagesRoutes(r: Router, s: Services): void {
  defineRoute(r, s, {
    method: 'get', path: '/', tag: 'pages', summary: 'Home',
    authorize: () => true,
    handler: ({ res, viewer }) => {
      res.render('pages/home', { title: 'Chorus', viewer });
      return undefined;
    },
  });

  defineRoute(r, s, {
    method: 'get', path: '/setup', tag: 'pages', summary: 'First-run page that creates the first admin',
    query: z.object({ token: z.string().max(200).optional() }),
    authorize: () => true,
    handler: ({ res, query }) => {
      res.render('pages/setup', { title: 'Set up Chorus', token: query.token ?? '' });
      return undefined;
    },
  });
}
