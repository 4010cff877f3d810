import type { ChorusModule } from '../../module';
import { exportRoutes } from './export.routes';

// Ticket and contact exports: ZIP downloads for agents, admins and customers (their own copy).
export const exportModule: ChorusModule = {
  name: 'export',
  routes: exportRoutes,
};
