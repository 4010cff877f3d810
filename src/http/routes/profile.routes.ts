import type { Router } from 'express';
import { z } from 'zod';
import { AVATAR_COLOURS, DISPLAY_NAME_MAX, avatarColour, neutralName, publicName } from '../../community/public-name';
import { trustOf } from '../../community/trust-levels';
import { setPublicProfile } from '../../contacts/commands/set-public-profile';
import { contactRepository } from '../../db/repositories/contact.repository';
import { NotFoundError, ValidationError } from '../../errors';
import type { Services } from '../../services';
import { renderWeb } from '../../web/web-page';
import { defineRoute } from '../route';

// The customer's public profile: the name and avatar colour the community shows for them.
export function profileRoutes(r: Router, s: Services): void {
  const view = async (contactId: number) => {
    const c = await contactRepository.findById(s.db.m, contactId);
    if (!c) throw new NotFoundError('Contact');
    return c;
  };
  const data = (c: Awaited<ReturnType<typeof view>>, extra: Record<string, unknown> = {}) => {
    const chosen = avatarColour(c);
    return {
      titleKey: 'profile.title', shownAs: publicName(c), neutral: neutralName(c.id), displayName: c.displayName ?? '', max: DISPLAY_NAME_MAX,
      initial: (publicName(c).trim()[0] ?? '?').toUpperCase(), colour: chosen, reputation: c.reputation, trust: trustOf(c.reputation),
      colours: AVATAR_COLOURS.map((k) => ({ key: k, label: k[0].toUpperCase() + k.slice(1), checked: k === chosen })),
      ...extra,
    };
  };

  defineRoute(r, s, {
    method: 'get', path: '/my/profile', tag: 'customer', summary: 'The signed-in customer\'s public name and avatar colour',
    query: z.object({ saved: z.string().max(1).optional() }),
    authorize: () => true,
    handler: async ({ req, res, viewer, query }) => {
      if (viewer.kind !== 'contact') {
        res.redirect(303, '/signin?next=/my/profile');
        return undefined;
      }
      return renderWeb(req, res, 'pages/my-profile', data(await view(viewer.contactId), { saved: !!query.saved }));
    },
  });

  defineRoute(r, s, {
    method: 'post', path: '/my/profile', tag: 'customer', summary: 'Change the public name (empty: a neutral name) and avatar colour',
    body: z.object({ displayName: z.string().max(200).default(''), avatarColor: z.string().max(20).default('') }),
    authorize: () => true,
    handler: async ({ req, res, viewer, body }) => {
      if (viewer.kind !== 'contact') {
        res.redirect(303, '/signin?next=/my/profile');
        return undefined;
      }
      try {
        await setPublicProfile(s.db, viewer.contactId, { displayName: body.displayName, avatarColor: body.avatarColor });
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        const c = await view(viewer.contactId);
        // What they typed stays in the form, with the reason next to it.
        return renderWeb(req, res, 'pages/my-profile', data(c, { error: err.message, displayName: body.displayName }), 422);
      }
      if ((req.header('accept') ?? '').includes('application/json')) {
        const c = await view(viewer.contactId);
        return { profile: { name: publicName(c), color: avatarColour(c) } };
      }
      res.redirect(303, '/my/profile?saved=1');
      return undefined;
    },
  });
}
