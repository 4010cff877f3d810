import { pipeline } from 'node:stream/promises';
import type { Response, Router } from 'express';
import { z } from 'zod';
import { NotFoundError } from '../../errors';
import { defineRoute } from '../../http/route';
import { isAdmin, type Viewer } from '../../policies/viewer';
import { accessFacts } from '../../policies/ticket-access';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import type { Services } from '../../services';
import { planContactExport } from './contact-export';
import { planTicketExport } from './ticket-export';
import { ZipWriter } from './zip-writer';

const idParams = z.object({ id: z.coerce.number().int().positive() });

// Exports answer like a missing ticket to anyone who may not have them: nobody learns whether
// ticket or contact N exists, or that an export surface is there.
const agentsOnly = (v: Viewer): boolean => {
  if (v.kind !== 'agent') throw new NotFoundError('Export');
  return true;
};
const adminsOnly = (v: Viewer): boolean => {
  if (v.kind !== 'agent') throw new NotFoundError('Export');
  return isAdmin(v);
};

export async function streamZip(s: Services, res: Response, filename: string, write: (zip: ZipWriter) => void): Promise<undefined> {
  res.status(200);
  res.setHeader('Content-Type', 'application/zip');
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  const zip = new ZipWriter(s.now());
  write(zip);
  try {
    await pipeline(zip.end(), res);
  } catch (err) {
    // Headers are gone: the client sees a cut-off download, the log says why.
    s.logger.warn({ err, filename }, 'export stopped before the end');
    res.destroy();
  }
  return undefined;
}

export function exportRoutes(r: Router, s: Services): void {
  const ticketZip = async (viewer: Viewer, id: number, res: Response) => {
    const plan = await planTicketExport(s, viewer, id);
    return streamZip(s, res, plan.filename, (zip) => plan.write(zip));
  };

  defineRoute(r, s, {
    method: 'get', path: '/tickets/:id/export.zip', tag: 'pages', summary: 'Download the ticket archive: thread, JSON, raw mail, files and hash chain (agents)',
    params: idParams, produces: 'application/zip', authorize: agentsOnly,
    handler: ({ params, viewer, res }) => ticketZip(viewer, params.id, res),
  });

  defineRoute(r, s, {
    method: 'get', path: '/api/tickets/:id/export', tag: 'tickets', summary: 'The ticket archive as a ZIP: thread.html, ticket.json, every e-mail as .eml, attachments, chain.json, VERIFY.md and verify.mjs',
    params: idParams, produces: 'application/zip', responseDescription: 'A ZIP archive (streamed)', authorize: agentsOnly,
    handler: ({ params, viewer, res }) => ticketZip(viewer, params.id, res),
  });

  defineRoute(r, s, {
    method: 'get', path: '/my/tickets/:id/export.zip', tag: 'customer', summary: 'A customer\'s own copy of their conversation: what their page shows, with their e-mails and files',
    params: idParams, produces: 'application/zip',
    // Whether the viewer takes part is decided with the ticket; anyone else gets the 404 below.
    authorize: () => true,
    handler: async ({ params, viewer, res }) => {
      const t = viewer.kind === 'contact' ? await ticketRepository.resolve(s.db.m, params.id) : null;
      if (!t || viewer.kind !== 'contact' || !(await accessFacts(s.db.m, viewer, t)).isParticipant) throw new NotFoundError(`Ticket #${params.id}`);
      return ticketZip(viewer, params.id, res);
    },
  });

  const contactZip = async (id: number, res: Response) => {
    const plan = await planContactExport(s, id);
    return streamZip(s, res, plan.filename, (zip) => plan.write(zip));
  };

  defineRoute(r, s, {
    method: 'get', path: '/contacts/:id/export.zip', tag: 'pages', summary: 'Download everything kept about a contact, for an access request (admins)',
    params: idParams, produces: 'application/zip', authorize: adminsOnly,
    handler: ({ params, res }) => contactZip(params.id, res),
  });

  defineRoute(r, s, {
    method: 'get', path: '/api/contacts/:id/export', tag: 'contacts', summary: 'Everything kept about a contact as a ZIP (identities, profile, tickets and messages, votes, ratings, consent, sign-in history)',
    params: idParams, produces: 'application/zip', responseDescription: 'A ZIP archive (streamed)', authorize: adminsOnly,
    handler: ({ params, res }) => contactZip(params.id, res),
  });
}
