import type { Request, Response } from 'express';
import { strictCsp } from '../http/page-security';

// Pages of the customer web: own layout, and a strict CSP as a second wall behind the
// sanitiser — no inline script can run even if some markup slipped through.
export function renderWeb(req: Request, res: Response, view: string, data: Record<string, unknown>, status = 200): undefined {
  res.setHeader('Content-Security-Policy', strictCsp("'self'"));
  res.status(status).render(view, { layout: 'public', viewer: req.viewer, csrfToken: req.csrfToken, ...data });
  return undefined;
}
