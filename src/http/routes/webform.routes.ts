import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { safeEqual } from '../../auth/secrets';
import { issueStamp } from '../../channels/webform/fill-stamp';
import { findWebform, HONEYPOT_FIELD, submitWebform, type FormFile, type FormInput } from '../../channels/webform/webform-submit';
import type { WebformSettings } from '../../channels/webform/webform-settings.schema';
import { AppError, NotFoundError, RateLimitedError, ValidationError } from '../../errors';
import type { Services } from '../../services';
import { readFormData } from '../middleware/form-body';
import { defineRoute } from '../route';

const MAX_FORM_BYTES = 40 * 1024 * 1024;

// The web-form channel: a page that works without scripts, and a JSON door for sites that
// build their own form (CORS allow-list per form).
export function webformRoutes(r: Router, s: Services): void {
  const slugParams = z.object({ slug: z.string().regex(/^[a-z0-9-]{1,64}$/) });

  const load = async (slug: string) => {
    const form = await findWebform(s, slug);
    if (!form) throw new NotFoundError('Form');
    return form;
  };
  const limit = async (req: Request, form: { settings: WebformSettings }) => {
    const wait = await s.rateLimits.take('webform', `${req.ip}|${form.settings.slug}`, form.settings.submissionsPerHourPerIp, 3600);
    if (wait !== null) throw new RateLimitedError(wait);
  };
  // ?embed=1: the form inside a customer's own site (the iframe snippet below): no community
  // header, and links that leave the form open outside the frame.
  const embedded = (req: Request) => req.query.embed === '1';
  const render = (req: Request, res: Response, form: { settings: WebformSettings }, extra: Record<string, unknown> = {}) =>
    res.render('pages/webform', {
      layout: 'public', embed: embedded(req), title: form.settings.title, csrfToken: req.viewer.kind === 'contact' ? req.csrfToken : null, settings: form.settings, stamp: issueStamp(s.config.secret, form.settings.slug, s.now()),
      // Self-service before a ticket exists: solved community questions like the subject (not
      // inside a customer's frame, where the community is not theirs to show).
      scripts: embedded(req) || !form.settings.askSubject ? [] : ['/static/ask-suggestions.js'],
      honeypot: HONEYPOT_FIELD, accept: form.settings.attachments.allowedTypes.join(','), values: {}, errors: {}, ...extra,
    });

  defineRoute(r, s, {
    method: 'get', path: '/forms/:slug', tag: 'webform', summary: 'The contact form page (works without JavaScript)',
    params: slugParams, query: z.object({ embed: z.string().max(10).optional() }),
    authorize: () => true,
    handler: async ({ params, req, res }) => {
      render(req, res, await load(params.slug));
      return undefined;
    },
  });

  // Multipart (with files) or urlencoded; parsed by the platform's FormData so no extra dependency.
  r.post('/forms/:slug', express.raw({ type: ['multipart/form-data', 'application/x-www-form-urlencoded'], limit: MAX_FORM_BYTES }), async (req: Request, res: Response) => {
    const params = slugParams.safeParse(req.params);
    if (!params.success) throw new NotFoundError('Form');
    const form = await load(params.data.slug);
    await limit(req, form);
    const fd = await readFormData(req);
    const text = (k: string) => (typeof fd.get(k) === 'string' ? (fd.get(k) as string) : undefined);
    const files: FormFile[] = [];
    for (const v of fd.getAll('attachments')) {
      if (typeof v === 'string' || !v.size) continue;
      files.push({ filename: v.name || 'attachment', contentType: v.type || 'application/octet-stream', content: Buffer.from(await v.arrayBuffer()) });
    }
    const input: FormInput = {
      acceptLanguage: req.get('accept-language'), name: text('name'), email: text('email'), subject: text('subject'), message: text('message'), website: text(HONEYPOT_FIELD), stamp: text('stamp'),
      custom: Object.fromEntries(form.settings.customFields.map((f) => [f.name, text(`custom_${f.name}`)])), files,
    };
    // This door has no CSRF check of its own: the signed-in customer counts only with the
    // session's token, else another site could post as them.
    const csrf = text('_csrf');
    const signedIn = req.authVia === 'session' && !!req.csrfToken && !!csrf && safeEqual(csrf, req.csrfToken);
    const out = await submitWebform(s, form, input, signedIn ? req.viewer : undefined);
    if (out.kind === 'invalid') {
      res.status(422);
      render(req, res, form, { errors: out.errors, values: { ...input, files: undefined } });
      return;
    }
    res.status(out.kind === 'created' && !out.duplicate ? 201 : 200).render('pages/webform-sent', {
      layout: 'public', embed: embedded(req), titleKey: 'form.sentPageTitle', settings: form.settings, ticketId: out.kind === 'created' ? out.ticketId : null,
    });
  });

  // CORS for the JSON door: only origins on the form's allow-list, never with cookies.
  const cors = async (req: Request, res: Response, next: NextFunction) => {
    const origin = req.header('origin');
    if (!origin) return next();
    const form = await findWebform(s, String(req.params.slug));
    if (!form || !form.settings.corsOrigins.includes(origin)) {
      if (req.method === 'OPTIONS') return void res.status(403).end();
      return next(new AppError(403, 'origin_not_allowed', 'This site may not post this form.'));
    }
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Vary', 'Origin');
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST');
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type');
      res.setHeader('Access-Control-Max-Age', '600');
      return void res.status(204).end();
    }
    next();
  };
  r.use('/api/forms/:slug', cors);

  defineRoute(r, s, {
    method: 'get', path: '/api/forms/:slug', tag: 'webform', summary: 'A form\'s fields and a fresh fill stamp to send back with the submission',
    params: slugParams,
    authorize: () => true,
    handler: async ({ params }) => {
      const { settings } = await load(params.slug);
      return {
        form: { slug: settings.slug, title: settings.title, askSubject: settings.askSubject, customFields: settings.customFields, attachments: settings.attachments, minFillSeconds: settings.minFillSeconds },
        stamp: issueStamp(s.config.secret, settings.slug, s.now()),
        honeypot: HONEYPOT_FIELD,
        // Paste into any page; the form works inside the frame without scripts.
        embed: `<iframe src="${s.config.publicUrl}/forms/${settings.slug}?embed=1" title="${settings.title.replace(/"/g, '&quot;')}" style="width:100%;min-height:760px;border:0" loading="lazy"></iframe>`,
      };
    },
  });

  defineRoute(r, s, {
    method: 'post', path: '/api/forms/:slug/submissions', tag: 'webform', summary: 'Submit a form as JSON (files base64); creates a private ticket',
    params: slugParams,
    body: z.object({
      name: z.string().max(200).optional(),
      email: z.string().max(254),
      subject: z.string().max(250).optional(),
      message: z.string().max(50_000),
      custom: z.record(z.string(), z.string().max(2000)).default({}),
      website: z.string().max(500).optional(),
      stamp: z.string().max(200).describe('From GET /api/forms/:slug'),
      attachments: z.array(z.object({ filename: z.string().min(1).max(255), contentType: z.string().min(3).max(255), contentBase64: z.string() })).max(10).default([]),
    }),
    authorize: () => true,
    handler: async ({ params, body, req, res, viewer }) => {
      const form = await load(params.slug);
      await limit(req, form);
      const out = await submitWebform(s, form, {
        ...body,
        acceptLanguage: req.get('accept-language'),
        files: body.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: Buffer.from(a.contentBase64, 'base64') })),
      }, viewer);
      if (out.kind === 'invalid') throw new ValidationError(Object.values(out.errors)[0], { fields: out.errors });
      if (out.kind === 'discarded') return { ok: true };
      res.status(out.duplicate ? 200 : 201).json({ ok: true, ticketId: out.ticketId, url: `${s.config.publicUrl}/t/${out.ticketId}` });
      return undefined;
    },
  });
}
