import type { Router } from 'express';
import { z } from 'zod';
import { blobRepository } from '../../db/repositories/blob.repository';
import { messageRepository } from '../../db/repositories/message.repository';
import { NotFoundError } from '../../errors';
import { canSeeMessage } from '../../policies/audience.policy';
import { loadTicketAccess } from '../../policies/ticket-access';
import type { Services } from '../../services';
import { defineRoute } from '../route';

// Files are served only to viewers who may see the message they belong to.
export function attachmentsRoutes(r: Router, s: Services): void {
  defineRoute(r, s, {
    method: 'get', path: '/attachments/:id/:name', tag: 'attachments', summary: 'Download an attachment',
    params: z.object({ id: z.coerce.number().int().positive(), name: z.string() }),
    authorize: async (viewer, { params }) => {
      const a = await messageRepository.findAttachment(s.db.m, params.id);
      const msg = a && (await messageRepository.findById(s.db.m, a.messageId));
      if (!msg) throw new NotFoundError('Attachment');
      // A file on a ticket the viewer may not read answers exactly like a file that never was.
      const access = await loadTicketAccess(s.db.m, viewer, msg.ticketId).catch((err) => {
        if (err instanceof NotFoundError) return null;
        throw err;
      });
      if (!access || !canSeeMessage(viewer, access.facts, msg)) throw new NotFoundError('Attachment');
      return true;
    },
    handler: async ({ params, res }) => {
      const a = (await messageRepository.findAttachment(s.db.m, params.id))!;
      const data = await blobRepository.get(s.db.m, a.sha256);
      if (!data) throw new NotFoundError('Attachment');
      const safeInline = /^image\/(png|jpe?g|gif|webp)$/i.test(a.contentType);
      res.setHeader('Content-Type', safeInline ? a.contentType : a.contentType.startsWith('text/') ? 'text/plain; charset=utf-8' : 'application/octet-stream');
      res.setHeader('Content-Disposition', `${safeInline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(a.filename)}`);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Cache-Control', 'private, max-age=3600');
      res.end(data);
      return undefined;
    },
  });
}
