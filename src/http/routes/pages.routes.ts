import type { Router } from 'express';
import { loadBrand } from '../../branding/branding';
import { isCommunityForm } from '../../community/community-form';
import { inboxRepository } from '../../db/repositories/inbox.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import type { Services } from '../../services';
import { defineRoute } from '../route';

// Server-rendered pages. The agent inbox and customer pages build on these.
export function pagesRoutes(r: Router, s: Services): void {
  // The front door: agents go to their inbox; visitors to the community when it is in use (it
  // has a public question or its ask form), otherwise to a sign-in page under the company's name.
  defineRoute(r, s, {
    method: 'get', path: '/', tag: 'pages', summary: 'Home: the community if it is in use, otherwise sign-in (agents: their inbox)',
    authorize: () => true,
    handler: async ({ res, viewer }) => {
      if (viewer.kind === 'agent') return void res.redirect(303, '/inbox');
      const inboxes = await inboxRepository.list(s.db.m);
      const community = inboxes.some(isCommunityForm) || (await ticketRepository.countUpTo(s.db.m, { visibility: 'public' }, 0)) > 0;
      if (community) return void res.redirect(303, '/community');
      const brand = await loadBrand(s);
      const forms = inboxes.filter((i) => i.channel === 'webform' && !isCommunityForm(i)).map((i) => ({ slug: (i.settings as { slug?: string }).slug, title: (i.settings as { title?: string }).title ?? i.name })).filter((f) => f.slug);
      res.render('pages/home', { layout: 'public', title: brand.name, viewer, forms, signedIn: viewer.kind === 'contact' });
      return undefined;
    },
  });
}
