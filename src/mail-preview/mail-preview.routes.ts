import type { Router } from 'express';
import { z } from 'zod';
import { renderAgent } from '../agent-web/agent-page';
import { mailPreviewRepository } from '../db/repositories/mail-preview.repository';
import { NotFoundError } from '../errors';
import { adminOnly } from '../http/routes/admin-pages.routes';
import { defineRoute } from '../http/route';
import type { Services } from '../services';
import { presentPreview } from './mail-preview.presenter';
import { pageT } from '../agent-web/page-text';

const PAGE = 50;
const idParams = z.object({ id: z.coerce.number().int().positive() });

// The mail preview holds customers' mail (sign-in links among it): admins only, every page.
// A kept e-mail's HTML is never put into an agent page: it is served on its own, in a frame the
// page marks sandboxed, with a CSP that runs no script, loads nothing remote and opens no form.
const HTML_PART_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; form-action 'none'";

export function mailPreviewRoutes(r: Router, s: Services): void {
  defineRoute(r, s, {
    method: 'get', path: '/admin/mail-preview', tag: 'admin', summary: 'E-mails kept instead of sent (no SMTP_URL), newest first', authorize: adminOnly,
    query: z.object({ before: z.coerce.number().int().positive().optional() }),
    handler: async ({ req, res, query }) => {
      const [rows, total] = await Promise.all([mailPreviewRepository.page(s.db.m, PAGE + 1, query.before), mailPreviewRepository.count(s.db.m)]);
      const mails = rows.slice(0, PAGE).map((p) => ({ id: p.id, recipients: p.recipients, subject: p.subject, createdAt: new Date(p.createdAt).toISOString() }));
      return renderAgent(s, req, res, 'pages/admin/mail-preview', {
        title: pageT(req)('admin.mailPreview.title'), nav: { admin: true }, section: { mailPreview: true }, mails, total, relayConfigured: !!s.config.SMTP_URL,
        older: rows.length > PAGE ? mails.at(-1)!.id : null, paged: !!query.before,
      });
    },
  });

  defineRoute(r, s, {
    method: 'get', path: '/admin/mail-preview/:id', tag: 'admin', summary: 'One kept e-mail: headers, text part and HTML part', params: idParams, authorize: adminOnly,
    handler: async ({ req, res, params }) => {
      const row = await mailPreviewRepository.findById(s.db.m, params.id);
      if (!row) throw new NotFoundError('Kept e-mail');
      const { html: _html, ...mail } = await presentPreview(row);
      return renderAgent(s, req, res, 'pages/admin/mail-preview-show', { title: `${pageT(req)('admin.mailPreview.title')}: ${row.subject}`, nav: { admin: true }, section: { mailPreview: true }, mail });
    },
  });

  defineRoute(r, s, {
    method: 'get', path: '/admin/mail-preview/:id/html', tag: 'admin', summary: 'The HTML part of a kept e-mail, sandboxed', params: idParams, authorize: adminOnly,
    handler: async ({ res, params }) => {
      const row = await mailPreviewRepository.findById(s.db.m, params.id);
      const html = row && (await presentPreview(row)).html;
      if (!html) throw new NotFoundError('HTML part');
      res.setHeader('Content-Security-Policy', HTML_PART_CSP);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Cache-Control', 'no-store');
      res.type('html').send(html);
      return undefined;
    },
  });

  defineRoute(r, s, {
    method: 'get', path: '/admin/mail-preview/:id/raw', tag: 'admin', summary: 'A kept e-mail as an .eml file', params: idParams, authorize: adminOnly,
    handler: async ({ res, params }) => {
      const row = await mailPreviewRepository.findById(s.db.m, params.id);
      if (!row) throw new NotFoundError('Kept e-mail');
      res.setHeader('Content-Type', 'message/rfc822');
      res.setHeader('Content-Disposition', `attachment; filename="mail-${row.id}.eml"`);
      res.setHeader('Cache-Control', 'no-store');
      res.end(Buffer.from(row.raw, 'latin1'));
      return undefined;
    },
  });
}
