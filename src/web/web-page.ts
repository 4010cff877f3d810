import type { Request, Response } from 'express';

// Pages of the customer web: own layout, and a strict CSP as a second wall behind the
// sanitiser — no inline script can run even if some markup slipped through.
export function renderWeb(req: Request, res: Response, view: string, data: Record<string, unknown>, status = 200): undefined {
  res.setHeader('Content-Security-Policy', "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'");
  res.status(status).render(view, { layout: 'public', viewer: req.viewer, csrfToken: req.csrfToken, ...data });
  return undefined;
}
