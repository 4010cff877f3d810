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

const ERROR = { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid input: error.details.fields names each wrong field',
  401: 'Not signed in, or the token is unknown',
  403: 'Signed in, but not allowed (agents-only and customer-facing resources answer 404 instead)',
  404: 'No such resource, or not visible to this viewer',
  409: 'Conflicts with the current state (error.message says which)',
  413: 'Body larger than CHORUS_API_MAX_BYTES',
  429: 'Rate-limited; Retry-After says when to try again',
};

// getApiTicketsByIdMessages for GET /api/tickets/:id/messages: unique because method + path is.
export function operationIdOf(method: string, path: string): string {
  const words = path.split('/').filter(Boolean).map((seg) => {
    const name = seg.replace(/^:/, '').replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase());
    const word = name.charAt(0).toUpperCase() + name.slice(1);
    return seg.startsWith(':') ? `By${word}` : word;
  });
  return method.toLowerCase() + (words.join('') || 'Root');
}

function successOf(r: RouteSpec) {
  const description = r.responseDescription ?? 'OK';
  if (r.produces) return { description, content: { [r.produces]: { schema: { type: 'string', format: 'binary' } } } };
  if (r.response) return { description, content: { 'application/json': { schema: toJsonSchema(r.response, 'output') } } };
  if ((r.status ?? 200) === 204 || (r.status ?? 200) >= 300) return { description };
  // Pages answer HTML; the few JSON routes without a declared schema still say they answer JSON.
  if (!r.path.startsWith('/api/')) return { description, content: { 'text/html': { schema: { type: 'string' } } } };
  return { description, content: { 'application/json': { schema: { type: 'object' } } } };
}

// What the framework itself answers (bad input, refused, unknown id), plus what the route declares.
function errorsOf(r: RouteSpec, hasInput: boolean) {
  const codes = new Set<number>(r.errors ?? []);
  if (hasInput) codes.add(400);
  if (r.body || r.form || r.rawBody) codes.add(413);
  // An open route (authorize: () => true) is never refused; every other one may be.
  if (!/^\(\)\s*=>\s*true$/.test(r.authorize.toString().trim())) {
    codes.add(401);
    codes.add(403);
  }
  if (r.params || /:\w/.test(r.path)) codes.add(404);
  if (!codes.size) codes.add(404); // unknown path or method, whatever the route
  return Object.fromEntries([...codes].sort().map((c) => [String(c), { description: ERROR_TEXT[c] ?? 'Error', content: ERROR.content }]));
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
      operationId: r.operationId ?? operationIdOf(r.method, r.path),
      summary: r.summary,
      tags: [r.tag],
      parameters: params,
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: toJsonSchema(r.body) } } } } : {}),
      responses: { [String(r.status ?? 200)]: successOf(r), ...errorsOf(r, params.length > 0 || !!r.body), default: ERROR },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Chorus API', version: '1', description: 'Agent API, channel endpoints and realtime-backed ticket store of Chorus.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
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
