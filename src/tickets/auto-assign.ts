import { nextRoundRobinAgent } from '../db/repositories/agent.repository';
import { inboxRepository } from '../db/repositories/inbox.repository';
import { ticketRepository } from '../db/repositories/ticket.repository';
import type { ChorusModule } from '../module';
import { ANONYMOUS } from '../policies/viewer';
import { assign } from './commands/assign';

// Round-robin per inbox: a new ticket in an inbox with roundRobin on goes to the next agent of
// its team who is not away and under their cap of open tickets. Recorded as a system action.
// A ticket opened by automatic mail waits in the "Automatic" view instead: nobody's turn is spent on it.
export const autoAssignModule: ChorusModule = {
  name: 'auto-assign',
  register(s) {
    s.bus.on('ticket.created', async ({ ticketId }) => {
      // Most installs assign by hand: with no inbox on round-robin (the node's cached list) there
      // is no ticket to read.
      if (!(await inboxRepository.some(s.db.m, (i) => i.roundRobin))) return;
      const t = await ticketRepository.findRouting(s.db.m, ticketId);
      if (!t || t.assigneeId || t.automatic) return;
      const inbox = await inboxRepository.findById(s.db.m, t.inboxId);
      if (!inbox?.roundRobin) return;
      const agent = await nextRoundRobinAgent(s.db.m, t.teamId);
      if (agent) await assign(s.commands, ANONYMOUS, t.id, { agentId: agent.id });
    });
  },
};
