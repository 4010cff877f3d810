import type { ChorusModule } from '../module';
import { reportsRoutes } from './reports.routes';

// /reports for agents: overview, channels, agents and teams, community and public exposure,
// each as a page with SVG charts, as JSON under /api/reports and every table as CSV.
export const reportsModule: ChorusModule = {
  name: 'reports',
  routes: reportsRoutes,
};
