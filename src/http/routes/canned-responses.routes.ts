import type { Router } from 'express';
import { z } from 'zod';
import { cannedResponseRepository } from '../../db/repositories/canned-response.repository';
import { contactRepository } from '../../db/repositories/contact.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import { ConflictError, NotFoundError } from '../../errors';
import { ticketPolicy } from '../../policies/ticket.policy';
import type { Services } from '../../services';
import { renderCanned } from '../../tickets/canned-responses';
import { defineRoute } from '../route';

export const cannedBody = z.object({ title: z.string().trim().min(1, 'Give the response a title').max(120), body: z.string().trim().min(1, 'Write the response').max(20_000) });
const idParams = z.object({ id: z.coerce.number().int().positive() });

export async function saveCanned(s: Services, input: { title: string; body: string }, by: number, id?: number): Promise<number> {
  return s.db.transaction(async ({ m }) => {
    const same = await cannedResponseRepository.findByTitle(m, input.title);
    if (same && same.id !== id) throw new ConflictError(`A canned response called "${input.title}" exists already.`, { fields: { title: ['Choose another title.'] } });
    if (id === undefined) return cannedResponseRepository.insert(m, { ...input, createdBy: by, createdAt: s.now(), updatedAt: s.now() });
    if (!(await cannedResponseRepository.findById(m, id))) throw new NotFoundError('Canned response');
    await cannedResponseRepository.update(m, id, { ...input, updatedAt: s.now() });
    return id;
  });
}

const present = (c: { id: number; title: string; body: string; updatedAt: number }) => ({ id: c.id, title: c.title, body: c.body, updatedAt: new Date(c.updatedAt).toISOString() });

export function cannedResponsesRoutes(r: Router, s: Services): void {
  defineRoute(r, s, {
    method: 'get', path: '/api/canned-responses', tag: 'canned', summary: 'List canned responses',
    authorize: ticketPolicy.list,
    handler: async () => ({ cannedResponses: (await cannedResponseRepository.list(s.db.m)).map(present) }),
  });

  defineRoute(r, s, {
    method: 'post', path: '/api/canned-responses', tag: 'canned', summary: 'Add a canned response (admins)',
    body: cannedBody,
    authorize: ticketPolicy.manageAgents,
    status: 201,
    handler: async ({ body, viewer }) => {
      const id = await saveCanned(s, body, (viewer as { agentId: number }).agentId);
      return { cannedResponse: present((await cannedResponseRepository.findById(s.db.m, id))!) };
    },
  });

  defineRoute(r, s, {
    method: 'patch', path: '/api/canned-responses/:id', tag: 'canned', summary: 'Change a canned response (admins)',
    params: idParams, body: cannedBody,
    authorize: ticketPolicy.manageAgents,
    handler: async ({ params, body, viewer }) => {
      await saveCanned(s, body, (viewer as { agentId: number }).agentId, params.id);
      return { cannedResponse: present((await cannedResponseRepository.findById(s.db.m, params.id))!) };
    },
  });

  defineRoute(r, s, {
    method: 'delete', path: '/api/canned-responses/:id', tag: 'canned', summary: 'Delete a canned response (admins)',
    params: idParams,
    authorize: ticketPolicy.manageAgents,
    handler: async ({ params }) => {
      if (!(await s.db.write((m) => cannedResponseRepository.remove(m, params.id)))) throw new NotFoundError('Canned response');
      return { ok: true };
    },
  });

  // The composer inserts this: the response with the ticket's requester, number and the agent filled in.
  defineRoute(r, s, {
    method: 'get', path: '/api/tickets/:id/canned-responses/:cid', tag: 'canned', summary: 'A canned response filled in for a ticket',
    params: z.object({ id: z.coerce.number().int().positive(), cid: z.coerce.number().int().positive() }),
    authorize: ticketPolicy.act,
    handler: async ({ params, viewer }) => {
      const [t, c] = await Promise.all([ticketRepository.resolve(s.db.m, params.id), cannedResponseRepository.findById(s.db.m, params.cid)]);
      if (!t) throw new NotFoundError(`Ticket #${params.id}`);
      if (!c) throw new NotFoundError('Canned response');
      const requester = await contactRepository.findById(s.db.m, t.requesterId);
      return { text: renderCanned(c.body, { requester: { name: requester?.name ?? null }, ticket: { number: t.id, subject: t.subject }, agent: { name: (viewer as { name: string }).name } }) };
    },
  });
}
