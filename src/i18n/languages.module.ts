import { z } from 'zod';
import { setContactLanguage } from '../contacts/commands/set-contact-language';
import { ticketRepository } from '../db/repositories/ticket.repository';
import { NotFoundError } from '../errors';
import { defineRoute } from '../http/route';
import type { ChorusModule } from '../module';
import { ticketPolicy } from '../policies/ticket.policy';
import { customerLocale } from './customer-locale';
import { LOCALES } from './locale';

const languageResponse = z.object({ language: z.enum(LOCALES).nullable(), effective: z.enum(LOCALES), source: z.enum(['agent', 'browser', 'message', 'default']) });

// Languages: agents see which language a ticket's customer is written to in, and why, and can
// set it on the contact (null: automatic again).
export const languagesModule: ChorusModule = {
  name: 'languages',
  routes(r, s) {
    const idParams = z.object({ id: z.coerce.number().int().positive() });
    defineRoute(r, s, {
      method: 'get', path: '/api/tickets/:id/customer-language', tag: 'contacts', summary: "The language the ticket's requester gets pages and e-mails in, and where it comes from",
      params: idParams, authorize: ticketPolicy.act, response: languageResponse, errors: [404],
      handler: async ({ params }) => {
        const t = await ticketRepository.findById(s.db.m, params.id);
        if (!t) throw new NotFoundError('Ticket');
        const { locale, source } = await customerLocale(s.db.m, t.requesterId, { ticketId: t.id });
        return { language: source === 'agent' ? locale : null, effective: locale, source };
      },
    });
    defineRoute(r, s, {
      method: 'put', path: '/api/contacts/:id/language', tag: 'contacts', summary: 'Set the language a customer is written to in (null: automatic)',
      params: idParams, body: z.object({ language: z.string().max(8).nullable() }), authorize: ticketPolicy.act, errors: [404],
      response: z.object({ language: z.enum(LOCALES).nullable() }),
      handler: async ({ params, body }) => ({ language: await setContactLanguage(s.db, params.id, body.language) as (typeof LOCALES)[number] | null }),
    });
  },
};
