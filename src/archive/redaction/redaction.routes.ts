import type { Router } from 'express';
import { z } from 'zod';
import { agentOnly } from '../../agent-web/agent-page';
import { defineRoute } from '../../http/route';
import { wantsJson } from '../../http/form-fields';
import { ticketPolicy } from '../../policies/ticket.policy';
import type { Services } from '../../services';
import { MAX_SPANS, redactMessage } from '../../tickets/commands/redact-message';

const params = z.object({ id: z.coerce.number().int().positive(), messageId: z.coerce.number().int().positive() });
const reason = z.string().max(200, 'Keep the reason under 200 characters').optional();

export function redactionRoutes(r: Router, s: Services): void {
  defineRoute(r, s, {
    method: 'post', path: '/api/tickets/:id/messages/:messageId/redact', tag: 'tickets',
    summary: 'Redact parts of a message for good (text, HTML, raw item, outbox copies and the search index); recorded on the ticket without the removed text',
    params,
    body: z.object({
      spans: z.array(z.string().min(2, 'Each piece needs at least 2 characters').max(2000)).min(1, 'Give the text to redact').max(MAX_SPANS).describe('Exact pieces of the message to remove; every occurrence goes.'),
      reason,
    }),
    authorize: ticketPolicy.act,
    handler: async ({ params: p, body, viewer }) => ({ redaction: await redactMessage(s.commands, viewer, p.id, p.messageId, body) }),
  });

  defineRoute(r, s, {
    method: 'post', path: '/tickets/:id/messages/:messageId/redact', tag: 'pages', summary: 'Redact parts of a message from the ticket page',
    form: true, params,
    body: z.object({ spans: z.string().min(2, 'Paste the text to redact (one piece per line)').max(20_000), reason }),
    authorize: agentOnly,
    handler: async ({ req, res, params: p, body, viewer }) => {
      const redaction = await redactMessage(s.commands, viewer, p.id, p.messageId, { spans: body.spans.split(/\r?\n/), reason: body.reason });
      if (wantsJson(req)) return { redaction };
      return void res.redirect(303, `/tickets/${p.id}#m-${p.messageId}`);
    },
  });
}
