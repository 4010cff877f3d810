import { startClusterJob } from '../../jobs/cluster-job';
import type { ChorusModule } from '../../module';
import { autoCloseSolvedTickets } from './auto-close.job';

// Solved tickets close by themselves after the days their inbox sets (autoCloseDays), once per
// cluster, each with a TicketEvent naming the setting.
export const autoCloseModule: ChorusModule = {
  name: 'auto-close',
  async start(s) {
    return startClusterJob(s, 'tickets.auto-close', s.config.CHORUS_TICKET_SWEEP_MS, async (now) => void (await autoCloseSolvedTickets(s, now)));
  },
};
