import type { Request, Router } from 'express';
import { agentLocale, renderAgent } from '../agent-web/agent-page';
import { agentRepository } from '../db/repositories/agent.repository';
import { inboxRepository } from '../db/repositories/inbox.repository';
import { NotFoundError } from '../errors';
import { defineRoute } from '../http/route';
import { reportPolicy } from '../policies/report.policy';
import type { Viewer } from '../policies/viewer';
import type { Services } from '../services';
import { pagePath, presentReportPage } from './report-page.presenter';
import { filtersOf, reportQuerySchema, resolveRange, type ReportQuery } from './report-range';
import { toCsv, toJson } from './report-table';
import { reportText } from './report-text';
import { settleFacts } from './settle-facts';
import { buildView, VIEW_TABLES, VIEW_TITLES, VIEWS, type ReportView } from './report-views';

// A customer or a signed-out visitor gets the answer an unknown path gets: reports do not
// exist for them (no sign-in prompt, no 403 that would confirm the page).
const readReports = (v: Viewer, { req }: { req: Request }) => {
  if (!reportPolicy.read(v)) throw new NotFoundError(`${req.method} ${req.path}`);
  return true;
};

// The page is built in the agent's language; the CSV and JSON always in English (stable headers,
// metric names and column labels for whatever reads them), with the same keys.
async function load(s: Services, view: ReportView, q: ReportQuery, locale = 'en') {
  // Every fact written so far counts: what the settler has not reached yet is settled now.
  await settleFacts(s.db);
  const now = s.now();
  const range = resolveRange(q, now);
  return { range, data: await buildView(view, s.db.m, range, filtersOf(q), now, reportText(locale), locale) };
}

const rangeJson = (r: ReturnType<typeof resolveRange>) => ({
  preset: r.preset, timeZone: r.tz, from: r.current.from, to: r.current.to, firstDay: r.fromDate, lastDay: r.current.days[r.current.days.length - 1].date,
  previous: { from: r.previous.from, to: r.previous.to, firstDay: r.previous.days[0].date, lastDay: r.previous.days[r.previous.days.length - 1].date },
});

export function reportsRoutes(r: Router, s: Services): void {
  for (const view of VIEWS) {
    defineRoute(r, s, {
      method: 'get', path: pagePath(view), tag: 'reports', summary: `Reports page: ${VIEW_TITLES[view]}`, query: reportQuerySchema, authorize: readReports,
      handler: async ({ req, res, query }) => {
        const locale = agentLocale(req);
        const [{ range, data }, inboxes, teams, agents] = await Promise.all([load(s, view, query, locale), inboxRepository.list(s.db.m), agentRepository.listTeams(s.db.m), agentRepository.list(s.db.m)]);
        return renderAgent(s, req, res, 'pages/agent/reports', presentReportPage(view, query, range, data, { inboxes, teams, agents }, reportText(locale), locale));
      },
    });
    defineRoute(r, s, {
      method: 'get', path: `/api/reports/${view}`, tag: 'reports', summary: `${VIEW_TITLES[view]} report as JSON (every table of the view)`, query: reportQuerySchema, authorize: readReports,
      handler: async ({ query }) => {
        const { range, data } = await load(s, view, query);
        return { view, range: rangeJson(range), filters: filtersOf(query), tables: Object.fromEntries(data.tables.map((t) => [t.name, toJson(t)])) };
      },
    });
    for (const table of VIEW_TABLES[view]) {
      defineRoute(r, s, {
        method: 'get', path: `/api/reports/${view}/${table}.csv`, tag: 'reports', summary: `${VIEW_TITLES[view]} report: the ${table} table as CSV`, query: reportQuerySchema, authorize: readReports,
        responseDescription: 'text/csv',
        handler: async ({ res, query }) => {
          const { range, data } = await load(s, view, query);
          const t = data.tables.find((x) => x.name === table)!;
          res.setHeader('Content-Type', 'text/csv; charset=utf-8');
          res.setHeader('Content-Disposition', `attachment; filename="chorus-${view}-${table}-${range.fromDate}-${range.current.days[range.current.days.length - 1].date}.csv"`);
          res.setHeader('Cache-Control', 'no-store');
          res.setHeader('X-Content-Type-Options', 'nosniff');
          res.send(toCsv(t));
          return undefined;
        },
      });
    }
  }
}
