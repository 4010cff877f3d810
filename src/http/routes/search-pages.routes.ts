import type { Router } from 'express';
import { z } from 'zod';
import { agentLocale, agentOnly, renderAgent } from '../../agent-web/agent-page';
import { translator } from '../../i18n/i18n';
import { age, audienceLabel } from '../../agent-web/ticket-row';
import { searchMessages, searchSubjects } from '../../db/repositories/search.repository';
import type { Services } from '../../services';
import { queryText } from '../input-text';
import { defineRoute } from '../route';

const PAGE = 40;
const OPEN = '\u0002';
const CLOSE = '\u0003';
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
// The snippet is escaped first; only our own control-character marks become <mark>.
export const highlight = (snippet: string) => escapeHtml(snippet).split(OPEN).join('<mark>').split(CLOSE).join('</mark>');


export function searchPages(r: Router, s: Services): void {
  defineRoute(r, s, {
    method: 'get', path: '/search', tag: 'pages', summary: 'Search tickets by subject and message text',
    query: z.object({ q: queryText(200).optional(), before: z.coerce.number().int().positive().optional() }),
    authorize: agentOnly,
    handler: async ({ req, res, query }) => {
      const locale = agentLocale(req);
      const t = translator(locale);
      const q = query.q ?? '';
      const tooShort = q.length > 0 && q.length < 2;
      const now = s.now();
      const started = process.hrtime.bigint();
      const [subjects, found] = q.length >= 2
        ? await Promise.all([query.before ? [] : searchSubjects(s.db.m, q, 10), searchMessages(s.db.m, q, { publicOnly: false, limit: PAGE + 1, marks: [OPEN, CLOSE], beforeId: query.before })])
        : [[], []];
      const messages = found.slice(0, PAGE);
      const older = found.length > PAGE ? `/search?${new URLSearchParams({ q, before: String(messages[messages.length - 1].messageId) })}` : null;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      return renderAgent(s, req, res, 'pages/agent/search', {
        title: q ? `${t('agent.search.title')}: ${q}` : t('agent.search.title'), nav: { search: true }, q, tooShort, older, paged: !!query.before, newest: `/search?${new URLSearchParams({ q })}`, searched: q.length >= 2, ms: ms.toFixed(0),
        subjects: subjects.map((h) => ({ ...h, age: age(new Date(h.lastActivityAt).toISOString(), now, locale) })),
        messages: messages.map((h) => ({ ...h, snippetHtml: highlight(h.snippet ?? ''), audienceLabel: audienceLabel(h.audience, locale), age: age(new Date(h.createdAt).toISOString(), now, locale) })),
      });
    },
  });
}
