import { startClusterJob } from '../../jobs/cluster-job';
import type { ChorusModule } from '../../module';
import { holdsRoutes } from './holds.routes';
import { sweepRetention } from './retention-sweep';
import { retentionRoutes } from './retention.routes';

// Retention: legal holds (/admin/holds, /api/holds) keep tickets, contacts and inboxes from
// every deletion until lifted; retention policies (/admin/retention, /api/retention) delete,
// anonymise or strip the attachments of old closed tickets in a sweep once per cluster
// (CHORUS_RETENTION_SWEEP_MS, daily), logged in retention_runs.
export const retentionModule: ChorusModule = {
  name: 'retention',
  routes(r, s) {
    holdsRoutes(r, s);
    retentionRoutes(r, s);
  },
  async start(s) {
    return startClusterJob(s, 'archive.retention', s.config.CHORUS_RETENTION_SWEEP_MS, async (now) => void (await sweepRetention(s, now)));
  },
};
