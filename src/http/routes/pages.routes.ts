import type { Router } from 'express';
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
}
