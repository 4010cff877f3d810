import type { Request, Router } from 'express';
import { z } from 'zod';
import { contactRepository } from '../../db/repositories/contact.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import { mergeContacts } from '../../contacts/commands/merge-contacts';
import { contactListQuery, loadContactList } from '../../contacts/contact-list';
import { contactListSchema } from '../../contacts/contact-list.presenter';
import { NotFoundError } from '../../errors';
import { ticketPolicy } from '../../policies/ticket.policy';
import type { Viewer } from '../../policies/viewer';
import type { Services } from '../../services';
import { presentTicketList } from '../presenters/ticket.presenter';
import { defineRoute } from '../route';

// The contacts list is staff information: a customer or a signed-out visitor is answered as for
// an unknown path (no 401/403 that would confirm it exists).
const agentsOrNotFound = (v: Viewer, { req }: { req: Request }) => {
  if (!ticketPolicy.readContacts(v)) throw new NotFoundError(`${req.method} ${req.path}`);
  return true;
};

export function contactsRoutes(r: Router, s: Services): void {
  defineRoute(r, s, {
    method: 'get', path: '/api/contacts', tag: 'contacts',
    summary: 'The contacts list: search by a prefix of the name, an e-mail address or a handle; newest first or by name, paged by cursor; each with its main identity, reach, open tickets and last activity',
    query: contactListQuery, authorize: agentsOrNotFound, response: contactListSchema, errors: [404],
    handler: async ({ query }) => {
      const { rows, nextCursor } = await loadContactList(s.db.m, query);
      return { contacts: rows, nextCursor };
    },
  });

  defineRoute(r, s, {
    method: 'post', path: '/api/contacts/:id/merge', tag: 'contacts', summary: 'Merge this contact into another (the same person on two channels)',
    params: z.object({ id: z.coerce.number().int().positive() }),
    body: z.object({ intoContactId: z.number().int().positive() }),
    authorize: ticketPolicy.act,
    handler: async ({ params, body, viewer }) => mergeContacts(s.commands, viewer as never, params.id, body.intoContactId),
  });

  defineRoute(r, s, {
    method: 'get', path: '/api/contacts/:id', tag: 'contacts', summary: 'A contact with every identity and all their tickets',
    params: z.object({ id: z.coerce.number().int().positive() }),
    authorize: ticketPolicy.readContacts,
    handler: async ({ params }) => {
      const c = await contactRepository.findById(s.db.m, params.id);
      if (!c) throw new NotFoundError('Contact');
      const identities = await contactRepository.identitiesOf(s.db.m, [c.id]);
      const ids = await ticketRepository.ticketIdsOfContact(s.db.m, c.id);
      const tickets = await ticketRepository.list(s.db.m, { ids }, 200);
      return {
        contact: { id: c.id, name: c.name, reputation: c.reputation, banned: c.banned, mergedIntoId: c.mergedIntoId, createdAt: new Date(c.createdAt).toISOString(), identities: identities.map(presentIdentity) },
        tickets: await presentTicketList(s.db.m, tickets),
      };
    },
  });
}

export function presentIdentity(i: { kind: string; value: string; handle: string | null; displayName: string | null; followers: number | null; verified: boolean }) {
  return { kind: i.kind, value: i.value, handle: i.handle, displayName: i.displayName, followers: i.followers, verified: i.verified };
}
