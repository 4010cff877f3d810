import { startClusterJob } from '../../jobs/cluster-job';
import type { ChorusModule } from '../../module';
import { wakeSnoozedTickets } from './snooze.job';
import { snoozeRoutes } from './snooze.routes';

// Snooze: agents hide a ticket until a time or until the customer answers (page, bulk bar, API);
// once per cluster, tickets whose time came wake up and their assignee is told. While snoozed
// the SLA clock stands still (sla-clock: clockRuns); snoozing and waking go through the ticket
// commands, so the SLA commit hook pauses it, moves the due times and re-arms the warnings.
export const snoozeModule: ChorusModule = {
  name: 'snooze',
  routes: snoozeRoutes,
  async start(s) {
    return startClusterJob(s, 'snooze.wake', s.config.CHORUS_TICKET_SWEEP_MS, async (now) => void (await wakeSnoozedTickets(s, now)));
  },
};
