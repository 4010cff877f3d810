import type { ChorusModule } from '../module';
import { reportsRoutes } from './reports.routes';
import { startSettler } from './settle-facts';

// /reports for agents: overview, channels, agents and teams, community and public exposure,
// each as a page with SVG charts, as JSON under /api/reports and every table as CSV. The facts
// the ticket commands write are settled into the rollups in the background (settle-facts.ts).
export const reportsModule: ChorusModule = {
  name: 'reports',
  routes: reportsRoutes,
  async start(s) {
    return startSettler(s);
  },
};
