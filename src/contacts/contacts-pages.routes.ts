import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { agentLocale, agentOnly, renderAgent, type AgentViewer } from '../agent-web/agent-page';
import type { Contact } from '../db/entities';
import { contactRepository } from '../db/repositories/contact.repository';
import { ticketRepository } from '../db/repositories/ticket.repository';
import { AppError, NotFoundError, ValidationError } from '../errors';
import { defineRoute } from '../http/route';
import type { Services } from '../services';
import { mergeContacts } from './commands/merge-contacts';
import { setContactLanguage } from './commands/set-contact-language';
import { customerLanguageView } from '../i18n/language-view';
import { updateContact } from './commands/update-contact';

const idParams = z.object({ id: z.coerce.number().int().positive() });
type Extra = { values?: Record<string, unknown>; fields?: Record<string, string>; error?: string; saved?: boolean; merged?: string; confirm?: unknown };

async function load(s: Services, id: number) {
  const c = await contactRepository.findById(s.db.m, id);
  if (!c) throw new NotFoundError('Contact');
  const [identities, ids] = await Promise.all([contactRepository.identitiesOf(s.db.m, [c.id]), ticketRepository.ticketIdsOfContact(s.db.m, c.id)]);
  const tickets = ids.length ? await ticketRepository.list(s.db.m, { ids }, 100) : [];
  return { c, identities, tickets };
}

async function page(s: Services, req: Request, res: Response, id: number, extra: Extra = {}, status = 200) {
  const { c, identities, tickets } = await load(s, id);
  const reach = Math.max(0, ...identities.map((i) => i.followers ?? 0));
  const custom = (extra.values?.customFields as { key: string; value: string }[] | undefined) ?? c.customFields ?? [];
  // Pages follow the browser; e-mails follow the agent's choice, else the last message's language.
  const latest = tickets.reduce((a, t) => Math.max(a, t.id), 0);
  return renderAgent(s, req, res, 'pages/agent/contact', {
    title: c.name, nav: {}, contact: { id: c.id, name: c.name, reputation: c.reputation, banned: c.banned, mergedIntoId: c.mergedIntoId, since: new Intl.DateTimeFormat(agentLocale(req), { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(c.createdAt)) },
    reach: reach ? reach.toLocaleString('en-US') : null,
    identities: identities.map((i) => ({ kind: i.kind, value: i.value, handle: i.handle, displayName: i.displayName, verified: i.verified, followers: i.followers === null ? null : i.followers.toLocaleString('en-US') })),
    tickets: tickets.map((t) => ({ id: t.id, subject: t.subject, status: t.status })),
    values: { name: extra.values?.name ?? c.name, notes: extra.values?.notes ?? c.notes ?? '', into: extra.values?.into ?? '' },
    // Always a few empty rows to add fields without script.
    customFields: [...custom, ...Array.from({ length: 3 }, () => ({ key: '', value: '' }))],
    fields: extra.fields ?? {}, error: extra.error, saved: extra.saved, merged: extra.merged, confirm: extra.confirm,
    language: await customerLanguageView(s.db.m, c, latest || null, res.locals.locale),
  }, status);
}

// A contact "into" is named by: its number, or an e-mail address / handle one of its identities has.
async function findInto(s: Services, raw: string): Promise<Contact | null> {
  const v = raw.trim().replace(/^#/, '');
  if (/^\d+$/.test(v)) return contactRepository.findById(s.db.m, Number(v));
  for (const kind of ['email', 'phone']) {
    const i = await contactRepository.findIdentity(s.db.m, kind, v.toLowerCase());
    if (i) return contactRepository.findById(s.db.m, i.contactId);
  }
  return null;
}

// The contact page (agents): edit the name, notes and custom fields; every identity with its
// reach; merge into another contact after a confirmation that names what moves.
export function contactPages(r: Router, s: Services): void {
  defineRoute(r, s, {
    method: 'get', path: '/contacts/:id', tag: 'pages', summary: 'A contact: identities with reach, tickets, notes and custom fields, merge',
    params: idParams, query: z.object({ saved: z.string().max(5).optional(), merged: z.string().max(200).optional() }), authorize: agentOnly,
    handler: async ({ req, res, params, query }) => {
      const c = await contactRepository.findById(s.db.m, params.id);
      if (c?.mergedIntoId) return void res.redirect(303, `/contacts/${c.mergedIntoId}?merged=${encodeURIComponent(c.name)}`);
      return page(s, req, res, params.id, { saved: !!query.saved, merged: query.merged });
    },
  });
  defineRoute(r, s, {
    method: 'post', path: '/contacts/:id', tag: 'pages', summary: 'Save a contact\'s name, notes and custom fields from its page',
    params: idParams, form: true, authorize: agentOnly,
    handler: async ({ req, res, params }) => {
      const b = (req.body ?? {}) as Record<string, unknown>;
      const list = (k: string) => ([] as unknown[]).concat(b[k] ?? []).map(String);
      const keys = list('fieldKey');
      const vals = list('fieldValue');
      const customFields = keys.map((key, i) => ({ key, value: vals[i] ?? '' })).filter((f) => f.key.trim() || f.value.trim());
      const values = { name: String(b.name ?? ''), notes: String(b.notes ?? ''), customFields };
      try {
        await updateContact(s.db, params.id, values);
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500 || err.status === 404) throw err;
        const f = ((err.details as { fields?: Record<string, string[]> } | null)?.fields) ?? {};
        const fields = Object.fromEntries(Object.entries(f).map(([k, v]) => [k.startsWith('customFields') ? 'customFields' : k, v[0]]));
        return page(s, req, res, params.id, { values, fields, error: err.message }, 422);
      }
      return void res.redirect(303, `/contacts/${params.id}?saved=1`);
    },
  });
  defineRoute(r, s, {
    method: 'post', path: '/contacts/:id/language', tag: 'pages', summary: 'Set the language a contact is written to in from its page (empty: automatic)',
    params: idParams, form: true, authorize: agentOnly,
    handler: async ({ req, res, params }) => {
      const language = String(((req.body ?? {}) as Record<string, unknown>).language ?? '').slice(0, 8);
      try {
        await setContactLanguage(s.db, params.id, language || null);
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        return page(s, req, res, params.id, { fields: { language: (err.details as { fields?: Record<string, string[]> } | null)?.fields?.language?.[0] ?? err.message }, error: err.message }, 422);
      }
      // From the ticket sidebar: back to that ticket.
      const back = String(((req.body ?? {}) as Record<string, unknown>).back ?? '');
      return void res.redirect(303, /^\/tickets\/\d{1,12}$/.test(back) ? back : `/contacts/${params.id}?saved=1`);
    },
  });
  defineRoute(r, s, {
    method: 'post', path: '/contacts/:id/merge', tag: 'pages', summary: 'Merge this contact into another from its page (asks to confirm first)',
    params: idParams, form: true, authorize: agentOnly,
    handler: async ({ req, res, params, viewer }) => {
      const b = (req.body ?? {}) as Record<string, unknown>;
      const raw = String(b.into ?? '').slice(0, 320);
      const into = raw.trim() ? await findInto(s, raw) : null;
      const again = (message: string, status = 422) => page(s, req, res, params.id, { values: { into: raw }, fields: { into: message }, error: message }, status);
      if (!into) return again(raw.trim() ? `No contact is #${raw.replace(/^#/, '')} or has the address ${raw}.` : 'Name the contact to merge into: its number or e-mail address.');
      if (into.id === params.id) return again('A contact cannot be merged into itself.');
      if (b.confirm !== '1') {
        const ids = await ticketRepository.ticketIdsOfContact(s.db.m, params.id);
        const [from, identities] = await Promise.all([contactRepository.findById(s.db.m, params.id), contactRepository.identitiesOf(s.db.m, [params.id])]);
        return page(s, req, res, params.id, { values: { into: raw }, confirm: { intoId: into.id, intoName: into.name, fromName: from?.name, tickets: ids.length, identities: identities.length } });
      }
      try {
        await mergeContacts(s.commands, viewer as AgentViewer, params.id, into.id);
      } catch (err) {
        if (err instanceof AppError && err.status === 409) return again(err.message, 409);
        throw err;
      }
      const from = await contactRepository.findById(s.db.m, params.id);
      return void res.redirect(303, `/contacts/${into.id}?merged=${encodeURIComponent(from?.name ?? `#${params.id}`)}`);
    },
  });
}
