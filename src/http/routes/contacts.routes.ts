import type { Router } from 'express';
import { z } from 'zod';
import { contactRepository } from '../../db/repositories/contact.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import { mergeContacts } from '../../contacts/commands/merge-contacts';
import { NotFoundError } from '../../errors';
import { ticketPolicy } from '../../policies/ticket.policy';
import type { Services } from '../../services';
import { presentTicketList } from '../presenters/ticket.presenter';
import { queryText } from '../input-text';
import { defineRoute } from '../route';

export function contactsRoutes(r: Router, s: Services): void {
  defineRoute(r, s, {
    method: 'get', path: '/api/contacts', tag: 'contacts', summary: 'List or search contacts (name, e-mail, handle)',
    query: z.object({ q: queryText(200).optional(), limit: z.coerce.number().int().min(1).max(200).default(50), before: z.coerce.number().int().positive().optional() }),
    authorize: ticketPolicy.readContacts,
    handler: async ({ query }) => {
      const rows = await contactRepository.list(s.db.m, { q: query.q, limit: query.limit + 1, afterId: query.before });
      const page = rows.slice(0, query.limit);
      const identities = await contactRepository.identitiesOf(s.db.m, page.map((c) => c.id));
      return {
        contacts: page.map((c) => ({ id: c.id, name: c.name, reputation: c.reputation, identities: identities.filter((i) => i.contactId === c.id).map(presentIdentity) })),
        nextBefore: rows.length > query.limit ? page[page.length - 1].id : null,
      };
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
