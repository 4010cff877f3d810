import type { ChorusModule } from '../../module';
import { holdsRoutes } from './holds.routes';

// Retention: legal holds (/admin/holds, /api/holds) keep tickets, contacts and inboxes from
// every deletion until lifted.
export const retentionModule: ChorusModule = {
  name: 'retention',
  routes(r, s) {
    holdsRoutes(r, s);
  },
};
