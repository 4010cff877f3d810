import type { NextFunction, Request, Response } from 'express';
import { SESSION_COOKIE } from '../../auth/session.service';
import { UnauthorizedError } from '../../errors';
import { ANONYMOUS, type Viewer } from '../../policies/viewer';
import type { Services } from '../../services';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      viewer: Viewer;
      authVia: 'session' | 'token' | 'none';
      csrfToken: string | null;
      sessionId?: string;
    }
  }
}

// Resolves the caller: an API token (Authorization: Bearer) or a cookie session, else anonymous.
export function authenticate(s: Services) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    req.viewer = ANONYMOUS;
    req.authVia = 'none';
    req.csrfToken = null;
    const auth = req.headers.authorization;
    // /metrics takes its own bearer token (CHORUS_METRICS_TOKEN), not an agent's API token.
    if (auth?.startsWith('Bearer ') && req.path !== '/metrics') {
      const v = await s.sessions.fromApiToken(auth.slice(7).trim());
      if (!v) return next(new UnauthorizedError('The API token is not valid.'));
      req.viewer = v;
      req.authVia = 'token';
      return next();
    }
    const sid = req.cookies?.[SESSION_COOKIE];
    if (sid) {
      const r = await s.sessions.fromSessionId(sid);
      req.viewer = r.viewer;
      req.authVia = r.via;
      req.csrfToken = r.csrfToken;
      req.sessionId = r.via === 'session' ? sid : undefined;
    }
    next();
  };
}
