import type { Request, Router } from 'express';
import { agentLocale, renderAgent } from '../agent-web/agent-page';
import { translate } from '../i18n/i18n';
import { NotFoundError } from '../errors';
import { defineRoute } from '../http/route';
import { reportPolicy } from '../policies/report.policy';
import type { Viewer } from '../policies/viewer';
import type { Services } from '../services';
import { liveBoard } from './live-feed';

// Like every report: a customer or a signed-out visitor gets the answer an unknown path gets.
const readLive = (v: Viewer, { req }: { req: Request }) => {
  if (!reportPolicy.read(v)) throw new NotFoundError(`${req.method} ${req.path}`);
  return true;
};

export function commandCentreRoutes(r: Router, s: Services): void {
  defineRoute(r, s, {
    method: 'get', path: '/reports/live', tag: 'reports', summary: 'Command centre: what is happening now (updates live over the socket)', authorize: readLive,
    handler: async ({ req, res }) => {
      const locale = agentLocale(req);
      const { board } = await liveBoard(s, s.io, locale);
      return renderAgent(s, req, res, 'pages/agent/live', { title: translate(locale, 'reports.live.title'), nav: { reports: true }, board, scripts: ['/static/command-centre.js'] });
    },
  });
  defineRoute(r, s, {
    method: 'get', path: '/api/reports/live', tag: 'reports', summary: 'Command centre figures as JSON: open tickets, waiting customers, SLA due within the hour, unanswered public posts, agents', authorize: readLive,
    handler: async () => (await liveBoard(s, s.io)).figures,
  });
}
