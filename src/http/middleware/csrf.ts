import type { NextFunction, Request, Response } from 'express';
import { safeEqual } from '../../auth/secrets';
import { AppError } from '../../errors';

// Cookie-authenticated writes must carry the session's CSRF token (X-CSRF-Token header or a
// `_csrf` form field). Token-authenticated API calls cannot be forged by a browser and skip it.
export function csrfCheck(req: Request, _res: Response, next: NextFunction) {
  if (['GET', 'HEAD', 'OPTIONS'].includes(req.method) || req.authVia !== 'session') return next();
  const given = (req.headers['x-csrf-token'] as string | undefined) ?? (req.body && typeof req.body === 'object' && !Buffer.isBuffer(req.body) ? req.body._csrf : undefined);
  if (typeof given === 'string' && req.csrfToken && safeEqual(given, req.csrfToken)) {
    if (req.body && typeof req.body === 'object' && '_csrf' in req.body) delete req.body._csrf;
    return next();
  }
  next(new AppError(403, 'csrf_failed', 'The form expired or came from another site. Reload the page and try again.'));
}
