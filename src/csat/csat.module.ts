import { startClusterJob } from '../jobs/cluster-job';
import type { ChorusModule } from '../module';
import { sendDueSurveys, sendSurvey } from './commands/send-survey';
import { csatEmailSender } from './csat-email';
import './csat-settings';
import { csatRoutes } from './csat.routes';

// Customer satisfaction: a solved ticket asks its requester once (e-mail, social message, web
// prompt); the answer lands on the ticket (staff only), in a csat fact and as `csat.received`.
export const csatModule: ChorusModule = {
  name: 'csat',
  register(s) {
    s.outbox.register('email.csat', csatEmailSender(s));
    // A survey without a delay goes out as soon as its solve commits, from the node that solved.
    s.bus.on('csat.scheduled', async ({ surveyId }) => {
      await sendSurvey(s, surveyId);
    });
  },
  routes: csatRoutes,
  async start(s) {
    // Delayed surveys, and any a node did not get to send (it stopped right after the solve).
    return startClusterJob(s, 'csat-surveys', s.config.CHORUS_CSAT_SWEEP_MS, async (now) => {
      await sendDueSurveys(s, now);
    });
  },
};
