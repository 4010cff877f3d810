import type { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../../services';
import { defineRoute, registry, type RouteSpec } from '../route';

function toJsonSchema(schema: z.ZodType | undefined, io: 'input' | 'output' = 'input') {
  if (!schema) return undefined;
  try {
    return z.toJSONSchema(schema, { io, unrepresentable: 'any' });
  } catch {
    return { type: 'object' };
  }
}

// Generated from the same zod schemas the routes validate with, so it cannot drift.
export function buildOpenApi(s: Services, routes: RouteSpec[] = registry) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.path.replace(/:(\w+)/g, '{$1}');
    const params: unknown[] = [];
    for (const [where, schema] of [['path', r.params], ['query', r.query]] as const) {
      const js = toJsonSchema(schema) as { properties?: Record<string, unknown>; required?: string[] } | undefined;
      for (const [name, prop] of Object.entries(js?.properties ?? {})) {
        params.push({ name, in: where, required: where === 'path' || !!js?.required?.includes(name), schema: prop });
      }
    }
    (paths[path] ??= {})[r.method] = {
      summary: r.summary,
      tags: [r.tag],
      parameters: params,
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: toJsonSchema(r.body) } } } } : {}),
      responses: {
        [String(r.status ?? 200)]: { description: r.responseDescription ?? 'OK' },
        default: { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Chorus API', version: '1', description: 'Agent API, channel endpoints and realtime-backed ticket store of Chorus.' },
    servers: [{ url: s.config.publicUrl }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, cookie: { type: 'apiKey', in: 'cookie', name: 'chorus_sid' } },
      schemas: {
        Error: {
          type: 'object',
          properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} }, required: ['code', 'message'] } },
        },
      },
    },
    security: [{ bearer: [] }, { cookie: [] }],
    paths,
  };
}

export function openApiRoutes(r: Router, s: Services): void {
  defineRoute(r, s, {
    method: 'get', path: '/api/openapi.json', tag: 'meta', summary: 'This document',
    authorize: () => true,
    handler: () => buildOpenApi(s),
  });
}
