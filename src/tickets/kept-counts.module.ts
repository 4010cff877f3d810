import { startClusterJob } from '../jobs/cluster-job';
import type { ChorusModule } from '../module';
import { reconcileCounts } from './reconcile-counts';

export const COUNT_RECONCILE_JOB = 'tickets.count-reconcile';

// The kept inbox counts are moved by every ticket change (src/tickets/kept-counts.ts, hooked in
// by createChorus so no module list can leave it out); this recounts them once per cluster every
// CHORUS_COUNT_RECONCILE_MS and fixes any drift.
export const keptCountsModule: ChorusModule = {
  name: 'kept-counts',
  async start(s) {
    return startClusterJob(s, COUNT_RECONCILE_JOB, s.config.CHORUS_COUNT_RECONCILE_MS, async () => {
      const fixed = await reconcileCounts(s);
      if (fixed.tickets || fixed.keys || fixed.tags) s.logger.warn({ fixed }, 'kept counts reconciled');
    });
  },
};
