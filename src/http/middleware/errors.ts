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
      // A page that cannot render still answers in plain words; express's own fallback would
      // print the stack outside production.
      res.status(e.status).render('pages/error', { title: `${e.status}`, status: e.status, message: e.message, viewer: req.viewer }, (renderErr, html) => {
        if (renderErr) s.logger.error({ err: renderErr, path: req.path }, 'error page failed');
        if (res.headersSent) return;
        if (renderErr) res.type('text/plain').send(`${e.status} ${e.message}`);
        else res.send(html);
      });
      return;
    }
    res.status(e.status).json({ error: { code: e.code, message: e.message, details: e.details ?? null } });
  };
}

// The last handler: whatever slipped past errorHandler (an error thrown while answering an
// error) gets a bare 500, never express's default page with its stack trace.
export function lastResort(s: Services) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    s.logger.error({ err, path: req.path }, 'error handler failed');
    if (res.headersSent) return void res.end();
    res.status(500).type('text/plain').send('500 Something went wrong on our side. It has been logged.');
  };
}
