import type { Router } from 'express';
import { z } from 'zod';
import { listeningStreamRepository } from '../db/repositories/listening-stream.repository';
import { NotFoundError } from '../errors';
import { defineRoute } from '../http/route';
import { listeningPolicy } from '../policies/listening.policy';
import type { Services } from '../services';
import { createStream } from './commands/create-stream';
import { deleteStream } from './commands/delete-stream';
import { updateStream } from './commands/update-stream';
import { createStreamBody, updateStreamBody } from './stream-input';
import { presentStreams, streamSchema } from './stream.presenter';

const idParams = z.object({ id: z.coerce.number().int().positive() });
const one = z.object({ stream: streamSchema });

export function streamsApiRoutes(r: Router, s: Services): void {
  const show = async (id: number) => {
    const st = await listeningStreamRepository.findById(s.db.m, id);
    if (!st) throw new NotFoundError('Listening stream');
    return { stream: (await presentStreams(s.db.m, [st], s.now()))[0] };
  };

  defineRoute(r, s, {
    method: 'get', path: '/api/listening/streams', tag: 'listening', summary: 'Listening streams with their last poll, last error in words and posts found per day (never their tokens)',
    authorize: listeningPolicy.manage, response: z.object({ streams: z.array(streamSchema) }),
    handler: async () => ({ streams: await presentStreams(s.db.m, await listeningStreamRepository.list(s.db.m), s.now()) }),
  });

  defineRoute(r, s, {
    method: 'post', path: '/api/listening/streams', tag: 'listening', summary: 'Define a stream: keywords, phrases, hashtags, exclusions and language on one platform; polled at the next tick',
    body: createStreamBody, authorize: listeningPolicy.manage, status: 201, response: one,
    handler: async ({ body, viewer }) => show((await createStream(s, body, viewer.kind === 'agent' ? viewer.agentId : null)).id),
  });

  defineRoute(r, s, {
    method: 'get', path: '/api/listening/streams/:id', tag: 'listening', summary: 'One listening stream',
    params: idParams, authorize: listeningPolicy.manage, response: one,
    handler: ({ params }) => show(params.id),
  });

  defineRoute(r, s, {
    method: 'patch', path: '/api/listening/streams/:id', tag: 'listening', summary: 'Change a stream (a changed query searches afresh); accessToken null removes the token, absent keeps it',
    params: idParams, body: updateStreamBody, authorize: listeningPolicy.manage, response: one,
    handler: async ({ params, body }) => show((await updateStream(s, params.id, body)).id),
  });

  defineRoute(r, s, {
    method: 'delete', path: '/api/listening/streams/:id', tag: 'listening', summary: 'Delete a stream; the posts it found keep their status and tickets',
    params: idParams, authorize: listeningPolicy.manage, response: z.object({ deleted: z.literal(true) }),
    handler: async ({ params }) => {
      await deleteStream(s, params.id);
      return { deleted: true as const };
    },
  });
}
