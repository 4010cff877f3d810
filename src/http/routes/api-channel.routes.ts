import type { Router } from 'express';
import { z } from 'zod';
import { apiMessageSchema } from '../../channels/api/api-message.schema';
import { API_RAW_TYPE } from '../../channels/api/api.adapter';
import { verifyHmacHex } from '../../channels/signature';
import { inboxRepository } from '../../db/repositories/inbox.repository';
import { InboxNotFoundError } from '../../errors';
import type { Services } from '../../services';
import { defineRoute } from '../route';

export const SIGNATURE_HEADER = 'x-chorus-signature';

// The API channel's door: a signed JSON message from any outside system.
export function apiChannelRoutes(r: Router, s: Services): void {
  defineRoute(r, s, {
    method: 'post', path: '/api/inboxes/:id/messages', tag: 'channels',
    summary: 'Post a message into an API-channel inbox. Sign the raw body: X-Chorus-Signature: sha256=<hex HMAC-SHA256 with the inbox secret>',
    params: z.object({ id: z.coerce.number().int().positive() }),
    body: apiMessageSchema,
    rawBody: true,
    status: 202,
    // The signature is the permission decision: checked over the raw bytes before anything is parsed.
    authorize: async (_viewer, { params, req, rawBody }) => {
      const inbox = await inboxRepository.findById(s.db.m, params.id);
      if (!inbox || inbox.channel !== 'api') {
        s.logger.warn({ inboxId: params.id }, 'API channel: no API inbox with this id');
        throw new InboxNotFoundError();
      }
      if (!verifyHmacHex(inbox.secret, rawBody ?? Buffer.alloc(0), req.header(SIGNATURE_HEADER))) {
        s.logger.warn({ inboxId: inbox.id }, 'API channel: the signature does not match the inbox secret');
        throw new InboxNotFoundError();
      }
      return true;
    },
    handler: async ({ params, body, rawBody, res }) => {
      const inbox = (await inboxRepository.findById(s.db.m, params.id))!;
      // The ledger keeps the validated body, so a replay parses exactly what was accepted.
      const [result] = await s.ingest.ingest(inbox, [{ key: `api:${body.externalId}`, raw: rawBody!.toString('utf8'), rawType: API_RAW_TYPE }]);
      res.status(result.duplicate ? 200 : 202);
      return result;
    },
  });
}
