import type { Router } from 'express';
import { hashToken, safeEqual } from '../../auth/secrets';
import { UnauthorizedError } from '../../errors';
import type { Services } from '../../services';
import { defineRoute } from '../route';

export function opsRoutes(r: Router, s: Services): void {
  defineRoute(r, s, {
    method: 'get', path: '/healthz', tag: 'ops', summary: 'Liveness and database check',
    authorize: () => true,
    handler: async ({ res }) => {
      try {
        await s.db.m.query('SELECT 1');
        return { ok: true, database: s.db.kind };
      } catch (err) {
        res.status(503);
        return { ok: false, database: s.db.kind, error: (err as Error).message };
      }
    },
  });

  defineRoute(r, s, {
    method: 'get', path: '/metrics', tag: 'ops', summary: 'Prometheus metrics (Authorization: Bearer CHORUS_METRICS_TOKEN when that is set)',
    authorize: (_viewer, { req, res }) => {
      const token = s.config.CHORUS_METRICS_TOKEN;
      if (!token) return true;
      const auth = req.header('authorization') ?? '';
      if (auth.startsWith('Bearer ') && safeEqual(hashToken(auth.slice(7).trim()), hashToken(token))) return true;
      res.setHeader('WWW-Authenticate', 'Bearer realm="chorus-metrics"');
      throw new UnauthorizedError('Send the metrics token: Authorization: Bearer <CHORUS_METRICS_TOKEN>.');
    },
    handler: async ({ res }) => {
      res.setHeader('Content-Type', s.metrics.registry.contentType);
      res.end(await s.metrics.registry.metrics());
      return undefined;
    },
  });
}
