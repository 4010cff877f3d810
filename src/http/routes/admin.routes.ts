import type { Router } from 'express';
import { z } from 'zod';
import { createAgent } from '../../agents/create-agent';
import { agentRepository } from '../../db/repositories/agent.repository';
import { inboundItemRepository } from '../../db/repositories/inbound-item.repository';
import { NotFoundError } from '../../errors';
import { ticketPolicy } from '../../policies/ticket.policy';
import type { Services } from '../../services';
import { defineRoute } from '../route';

export function adminRoutes(r: Router, s: Services): void {
  defineRoute(r, s, {
    method: 'get', path: '/api/agents', tag: 'agents', summary: 'List agents',
    authorize: ticketPolicy.list,
    handler: async () => ({ agents: (await agentRepository.list(s.db.m)).map((a) => ({ id: a.id, name: a.name, email: a.email, role: a.role, away: a.away, active: a.active })) }),
  });

  defineRoute(r, s, {
    method: 'post', path: '/api/agents', tag: 'agents', summary: 'Add an agent',
    body: z.object({ email: z.email(), name: z.string().min(1).max(100), password: z.string().min(8).optional(), role: z.enum(['admin', 'agent']).default('agent') }),
    authorize: ticketPolicy.manageAgents,
    status: 201,
    handler: async ({ body }) => {
      const a = await createAgent(s.db, s.now(), body);
      return { agent: { id: a.id, name: a.name, email: a.email, role: a.role } };
    },
  });

  defineRoute(r, s, {
    method: 'post', path: '/api/teams', tag: 'agents', summary: 'Create a team',
    body: z.object({ name: z.string().min(1).max(100), agentIds: z.array(z.number().int().positive()).default([]) }),
    authorize: ticketPolicy.manageAgents,
    status: 201,
    handler: async ({ body }) => {
      const id = await s.db.transaction(async ({ m }) => {
        const teamId = await agentRepository.insertTeam(m, body.name, s.now());
        for (const a of body.agentIds) await agentRepository.addMember(m, teamId, a);
        return teamId;
      });
      return { team: { id, name: body.name, agentIds: body.agentIds } };
    },
  });

  defineRoute(r, s, {
    method: 'get', path: '/api/ingest/items', tag: 'ingest', summary: 'Ledger rows by state (failed by default), with their errors',
    query: z.object({ state: z.enum(['received', 'processed', 'ignored', 'failed']).default('failed'), limit: z.coerce.number().int().min(1).max(500).default(100) }),
    authorize: ticketPolicy.replayIngest,
    handler: async ({ query }) => ({
      counts: await inboundItemRepository.countsByState(s.db.m),
      items: (await inboundItemRepository.listByState(s.db.m, query.state, query.limit)).map((i) => ({
        id: i.id, inboxId: i.inboxId, channel: i.channel, key: i.idempotencyKey, state: i.state, error: i.error, attempts: i.attempts,
        ticketId: i.ticketId, messageId: i.messageId, rawType: i.rawType, rawBytes: i.raw.length, receivedAt: new Date(i.receivedAt).toISOString(),
      })),
    }),
  });

  defineRoute(r, s, {
    method: 'post', path: '/api/ingest/items/:id/replay', tag: 'ingest', summary: 'Process a failed ledger row again',
    params: z.object({ id: z.coerce.number().int().positive() }),
    authorize: ticketPolicy.replayIngest,
    handler: async ({ params }) => {
      if (!(await inboundItemRepository.findById(s.db.m, params.id))) throw new NotFoundError('Inbound item');
      return s.ingest.process(params.id);
    },
  });
}
