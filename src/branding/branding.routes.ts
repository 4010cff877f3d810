import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { renderAgent } from '../agent-web/agent-page';
import { blobRepository } from '../db/repositories/blob.repository';
import { AppError, NotFoundError } from '../errors';
import { adminOnly } from '../http/routes/admin-pages.routes';
import { defineRoute } from '../http/route';
import { isAdmin } from '../policies/viewer';
import type { Services } from '../services';
import { MIN_CONTRAST } from './brand-colour';
import { LOGO_MAX_BYTES, LOGO_MAX_PX, LOGO_MIN_PX, logoExtension } from './brand-logo';
import { forgetBranding, loadBranding, presentBrand, type StoredBranding } from './branding';
import { COMPANY_NAME_MAX, setBranding, type BrandingInput } from './commands/set-branding';
import { pageT } from '../agent-web/page-text';

const brandingResponse = z.object({
  companyName: z.string().nullable(),
  accent: z.string().nullable(),
  logoUrl: z.string().nullable(),
  palette: z.object({ accent: z.string(), button: z.string(), accentInk: z.string(), link: z.string(), linkOnDark: z.string(), ratios: z.object({ white: z.number(), dark: z.number() }), adjusted: z.boolean() }).nullable(),
});
const present = (s: Services, b: StoredBranding) => {
  const brand = presentBrand(b, s.config.publicUrl);
  return { companyName: b.companyName, accent: b.accent, logoUrl: brand.logoAbsoluteUrl, palette: brand.palette };
};
type Fields = Record<string, string>;
const firstOfEach = (err: AppError): Fields => Object.fromEntries(Object.entries(((err.details as { fields?: Record<string, string[]> } | undefined)?.fields) ?? {}).map(([k, v]) => [k, v[0]]));

async function page(s: Services, req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) {
  const stored = await loadBranding(s);
  const brand = presentBrand(stored, s.config.publicUrl);
  return renderAgent(s, req, res, 'pages/admin/branding', {
    title: pageT(req)('admin.branding.title'), nav: { admin: true }, section: { branding: true },
    stored, brand, values: { companyName: stored.companyName ?? '', accent: stored.accent ?? '' }, fields: {},
    limits: { maxKb: LOGO_MAX_BYTES / 1024, minPx: LOGO_MIN_PX, maxPx: LOGO_MAX_PX, nameMax: COMPANY_NAME_MAX, contrast: MIN_CONTRAST },
    ...extra,
  }, status);
}

// The company's branding: set by admins (page and API), shown on every customer surface. The
// logo and the colour sheet are public — they appear on public pages and in e-mails.
export function brandingRoutes(r: Router, s: Services): void {
  const save = async (viewer: { kind: string; agentId?: number }, input: BrandingInput) => {
    const out = await setBranding(s.db, s.now(), viewer.agentId ?? null, input);
    forgetBranding(s);
    return out;
  };

  defineRoute(r, s, { method: 'get', path: '/admin/branding', tag: 'admin', summary: 'Branding: company name, logo and accent colour', query: z.object({ saved: z.string().max(5).optional() }), authorize: adminOnly, handler: ({ req, res, query }) => page(s, req, res, { saved: !!query.saved }) });

  defineRoute(r, s, {
    method: 'post', path: '/admin/branding', tag: 'admin', summary: 'Save the branding from the admin page (multipart: logo file)', form: true, authorize: adminOnly,
    handler: async ({ req, res, viewer }) => {
      const raw = (req.body ?? {}) as Record<string, string>;
      const logo = (req.files ?? []).find((f) => f.field === 'logo');
      const values = { companyName: String(raw.companyName ?? ''), accent: String(raw.accent ?? '') };
      try {
        await save(viewer as { kind: string; agentId: number }, { companyName: values.companyName, accent: values.accent, logo: logo?.content ?? null, removeLogo: raw.removeLogo === '1' });
      } catch (err) {
        if (err instanceof AppError && err.status === 400) return page(s, req, res, { values, fields: firstOfEach(err), error: 'Nothing was saved: check the highlighted fields.' }, 422);
        throw err;
      }
      return void res.redirect(303, '/admin/branding?saved=1');
    },
  });

  defineRoute(r, s, {
    method: 'get', path: '/api/branding', tag: 'admin', summary: 'The branding customers see (public: it is on every public page)',
    authorize: () => true, response: brandingResponse,
    handler: async () => present(s, await loadBranding(s)),
  });

  defineRoute(r, s, {
    method: 'put', path: '/api/branding', tag: 'admin', summary: 'Change the branding (admins). Fields left out stay as they are; "" or null resets one',
    body: z.object({
      companyName: z.string().max(500).nullable().optional(),
      accent: z.string().max(50).nullable().optional(),
      logoBase64: z.string().max(Math.ceil((LOGO_MAX_BYTES * 4) / 3) + 8).optional().describe(`PNG, JPEG, GIF or WebP, at most ${LOGO_MAX_BYTES / 1024} KB`),
      removeLogo: z.boolean().optional(),
    }),
    authorize: isAdmin, response: brandingResponse,
    handler: async ({ body, viewer }) => present(s, await save(viewer as { kind: string; agentId: number }, {
      companyName: body.companyName, accent: body.accent, logo: body.logoBase64 ? Buffer.from(body.logoBase64, 'base64') : null, removeLogo: body.removeLogo,
    })),
  });

  // Only the current logo and the ones before it are served from here: a blob's hash alone must
  // never open an attachment.
  defineRoute(r, s, {
    method: 'get', path: '/brand/logo/:file', tag: 'customer', summary: 'The company logo (public, cached)', produces: 'image/*',
    params: z.object({ file: z.string().regex(/^[0-9a-f]{32}\.(png|jpg|gif|webp)$/) }),
    authorize: () => true,
    handler: async ({ params, res }) => {
      const b = await loadBranding(s);
      const logo = [b.logo, ...b.previousLogos].find((l) => l && `${l.sha256.slice(0, 32)}.${logoExtension(l.type)}` === params.file);
      const data = logo ? await blobRepository.get(s.db.m, logo.sha256) : null;
      if (!logo || !data) throw new NotFoundError('Logo');
      res.setHeader('Content-Type', logo.type);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      res.end(data);
      return undefined;
    },
  });

  // The accent as a style sheet (pages allow no inline style); its name changes with the colour,
  // so it is cached for good. An old name answers the current colour.
  defineRoute(r, s, {
    method: 'get', path: '/brand/theme/:file', tag: 'customer', summary: 'The accent colour as CSS custom properties', produces: 'text/css',
    params: z.object({ file: z.string().regex(/^[0-9a-f]{12}\.css$/) }),
    authorize: () => true,
    handler: async ({ params, res }) => {
      const brand = presentBrand(await loadBranding(s), s.config.publicUrl);
      const p = brand.palette;
      res.setHeader('Content-Type', 'text/css; charset=utf-8');
      res.setHeader('Cache-Control', brand.themeUrl?.endsWith(params.file) ? 'public, max-age=31536000, immutable' : 'no-cache');
      res.end(p ? `:root{--accent:${p.link};--accent-ink:${p.accentInk};--brand-accent:${p.accent};--brand-button:${p.button};--brand-link-dark:${p.linkOnDark}}\n.btn.primary{background:${p.button};border-color:${p.button};color:${p.accentInk}}\n` : '');
      return undefined;
    },
  });
}
