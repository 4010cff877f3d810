import type { Router } from 'express';
import { agentOnly, type AgentViewer } from '../agent-web/agent-page';
import { agentRepository } from '../db/repositories/agent.repository';
import { defineRoute } from '../http/route';
import type { Services } from '../services';
import { sendTestMail } from './commands/send-test-mail';

export function onboardingRoutes(r: Router, s: Services): void {
  defineRoute(r, s, {
    method: 'post', path: '/inbox/test-mail', tag: 'pages', summary: 'Send a test mail from my own address into the first e-mail inbox and open its ticket',
    form: true, authorize: agentOnly,
    handler: async ({ res, viewer }) => {
      const agent = await agentRepository.findById(s.db.m, (viewer as AgentViewer).agentId);
      const { ticketId } = await sendTestMail(s, { name: agent!.name, email: agent!.email });
      return void res.redirect(303, `/tickets/${ticketId}`);
    },
  });
}
