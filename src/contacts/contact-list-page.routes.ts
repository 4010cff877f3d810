import type { Router } from 'express';
import { agentOnly, renderAgent } from '../agent-web/agent-page';
import { pageT } from '../agent-web/page-text';
import { defineRoute } from '../http/route';
import type { Services } from '../services';
import { contactListQuery, loadContactList } from './contact-list';

const KIND_WORDS: Record<string, string> = { email: 'e-mail', phone: 'phone', web: 'web form', api: 'API' };

// The agents' contacts list (/contacts): the same search, order and pages as GET /api/contacts,
// server-rendered, each row linking to the contact's page.
export function contactListPage(r: Router, s: Services): void {
  defineRoute(r, s, {
    method: 'get', path: '/contacts', tag: 'pages', summary: 'The contacts list: search by name, e-mail or handle; newest first or by name',
    query: contactListQuery, authorize: agentOnly,
    handler: async ({ req, res, query }) => {
      const { rows, nextCursor } = await loadContactList(s.db.m, query);
      const href = (change: Record<string, string | undefined>) => {
        const p = new URLSearchParams();
        for (const [k, v] of Object.entries({ q: query.q, sort: query.sort === 'newest' ? undefined : query.sort, limit: query.limit === 50 ? undefined : String(query.limit), ...change })) if (v) p.set(k, v);
        const qs = p.toString();
        return qs ? `/contacts?${qs}` : '/contacts';
      };
      return renderAgent(s, req, res, 'pages/agent/contacts', {
        title: pageT(req)('agent.contacts.title'), nav: { contacts: true }, q: query.q ?? '', searched: !!query.q,
        sorts: [{ value: 'newest', label: pageT(req)('agent.contacts.sortNewest') }, { value: 'name', label: pageT(req)('agent.contacts.sortName') }].map((o) => ({ ...o, selected: o.value === query.sort })),
        contacts: rows.map((c) => ({
          ...c,
          main: c.mainIdentity && { kind: c.mainIdentity.kind, kindWord: KIND_WORDS[c.mainIdentity.kind] ?? c.mainIdentity.kind, value: c.mainIdentity.handle ? `@${c.mainIdentity.handle}` : c.mainIdentity.value },
          more: c.identityCount > 1 ? c.identityCount - 1 : 0,
          reach: c.reach === null ? null : c.reach.toLocaleString('en-US'),
        })),
        paged: !!query.cursor, first: href({}), older: nextCursor ? href({ cursor: nextCursor }) : null,
      });
    },
  });
}
