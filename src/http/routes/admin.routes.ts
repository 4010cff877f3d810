import type { Router } from 'express';
import { z } from 'zod';
import { createAgent } from '../../agents/create-agent';
import { updateAgent } from '../../agents/update-agent';
import { agentRepository } from '../../db/repositories/agent.repository';
import { inboundItemRepository } from '../../db/repositories/inbound-item.repository';
import { ForbiddenError, NotFoundError } from '../../errors';
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

  // An agent sets themselves away (skipped by round-robin) or their cap; admins may set anyone's.
  defineRoute(r, s, {
    method: 'patch', path: '/api/agents/:id', tag: 'agents', summary: 'Set away, open-ticket cap, name or role',
    params: z.object({ id: z.union([z.literal('me'), z.coerce.number().int().positive()]) }),
    body: z.object({ away: z.boolean().optional(), maxOpen: z.number().int().min(1).max(10_000).nullable().optional(), name: z.string().min(1).max(100).optional(), role: z.enum(['admin', 'agent']).optional(), active: z.boolean().optional() }),
    authorize: (v, { params }) => v.kind === 'agent' && (params.id === 'me' || params.id === v.agentId || v.role === 'admin'),
    handler: async ({ params, body, viewer }) => {
      const id = params.id === 'me' ? (viewer as { agentId: number }).agentId : params.id;
      if ((body.role || body.active !== undefined) && !ticketPolicy.manageAgents(viewer)) throw new ForbiddenError('Only admins change roles or deactivate agents.');
      const a = await updateAgent(s.db, id, body);
      return { agent: { id: a.id, name: a.name, email: a.email, role: a.role, away: a.away, maxOpen: a.maxOpen, active: a.active } };
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
