import type { NextFunction, Request, Response } from 'express';
import { AppError, PayloadTooLargeError, RateLimitedError, SignInRequired, ValidationError } from '../../errors';
import type { Services } from '../../services';

export function toAppError(err: unknown, limit: number): AppError {
  if (err instanceof AppError) return err;
  const e = err as { type?: string; status?: number; message?: string };
  if (e?.type === 'entity.too.large' || e?.status === 413) return new PayloadTooLargeError(limit);
  if (e?.type === 'entity.parse.failed') return new ValidationError('The body is not valid JSON.');
  if (e?.status && e.status >= 400 && e.status < 500) return new AppError(e.status, 'bad_request', e.message ?? 'Bad request.');
  return new AppError(500, 'internal', 'Something went wrong on our side. It has been logged.');
}

// JSON errors for the API ({error: {code, message, details}}), a page for browsers.
export function errorHandler(s: Services) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const e = toAppError(err, s.config.CHORUS_API_MAX_BYTES);
    if (e.status >= 500) s.logger.error({ err, path: req.path }, 'request failed');
    if (e instanceof RateLimitedError) res.setHeader('Retry-After', String(e.retryAfterSeconds));
    if (res.headersSent) return;
    const wantsHtml = !req.path.startsWith('/api/') && !req.path.startsWith('/webhooks/') && req.accepts(['json', 'html']) === 'html';
    if (wantsHtml && e instanceof SignInRequired && req.method === 'GET') {
      res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
      return;
    }
    if (wantsHtml) {
      res.status(e.status).render('pages/error', { title: `${e.status}`, status: e.status, message: e.message, viewer: req.viewer });
      return;
    }
    res.status(e.status).json({ error: { code: e.code, message: e.message, details: e.details ?? null } });
  };
}
