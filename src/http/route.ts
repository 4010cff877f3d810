import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { ForbiddenError, UnauthorizedError, ValidationError } from '../errors';
import type { Viewer } from '../policies/viewer';
import type { Services } from '../services';
import { csrfCheck } from './middleware/csrf';
import { formBody } from './middleware/form-body';
import { pathOfNul } from './input-text';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  viewer: Viewer;
  req: Request;
  res: Response;
  s: Services;
  rawBody?: Buffer;
}

export interface RouteSpec<P = any, Q = any, B = any> {
  method: Method;
  path: string;
  summary: string;
  tag: string;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  // The permission decision. Required: a route without one cannot be declared.
  // It runs before the body is validated, so strangers learn nothing from validation errors.
  authorize: (viewer: Viewer, input: Omit<RouteInput<P, Q, unknown>, 'body'>) => boolean | Promise<boolean>;
  // Keep the raw bytes (signature checks); the body is then parsed as JSON after authorize.
  rawBody?: boolean;
  // With rawBody: 'json' (default) parses the bytes after authorize; 'bytes' leaves them alone.
  rawBodyAs?: 'json' | 'bytes';
  // A page form: urlencoded or multipart (files land in req.files), checked for CSRF like JSON.
  form?: boolean;
  // 'public' routes are not JSON API routes: CSRF still applies to cookie sessions.
  status?: number;
  // Handler returns the JSON body, or undefined when it wrote the response itself.
  handler: (input: RouteInput<P, Q, B>) => Promise<unknown> | unknown;
  responseDescription?: string;
  // A route that answers a file (application/zip…) rather than JSON or a page: its OpenAPI type.
  produces?: string;
  // The OpenAPI operationId; derived from the method and path when not given.
  operationId?: string;
  // The JSON the handler answers with. It is the success schema in the OpenAPI document, and
  // under NODE_ENV=test every answer is checked against it, so the document cannot drift.
  response?: z.ZodType;
  // Error statuses the handler itself raises (409 on a conflict, 404 on a missing record…),
  // beside the ones the framework answers (400 bad input, 401/403 refused, 404 unknown id).
  errors?: number[];
}

export const registry: RouteSpec[] = [];

export function defineRoute<P, Q, B>(router: Router, s: Services, spec: RouteSpec<P, Q, B>): void {
  if (typeof spec.authorize !== 'function') throw new Error(`Route ${spec.method.toUpperCase()} ${spec.path} has no permission decision`);
  if (!registry.some((r) => r.method === spec.method && r.path === spec.path)) registry.push(spec as RouteSpec);
  const limit = s.config.CHORUS_API_MAX_BYTES;
  const parsers = spec.rawBody
    ? [express.raw({ type: () => true, limit })]
    : spec.form
      ? [express.raw({ type: 'multipart/form-data', limit }), formBody, express.json({ limit }), express.urlencoded({ extended: false, limit })]
      : [express.json({ limit }), express.urlencoded({ extended: false, limit })];

  router[spec.method](spec.path, ...parsers, csrfCheck, async (req: Request, res: Response) => {
    const viewer = req.viewer;
    const params = parse(spec.params, req.params, 'path parameter');
    const query = parse(spec.query, req.query, 'query parameter');
    const rawBody = spec.rawBody && Buffer.isBuffer(req.body) ? (req.body as Buffer) : undefined;
    const base = { params, query, viewer, req, res, s, rawBody };
    if (!(await spec.authorize(viewer, base))) throw viewer.kind === 'anonymous' ? new UnauthorizedError() : new ForbiddenError();
    let bodyIn: unknown = req.body;
    if (spec.rawBody && spec.rawBodyAs === 'bytes') {
      bodyIn = {};
    } else if (spec.rawBody) {
      try {
        bodyIn = rawBody && rawBody.length ? JSON.parse(rawBody.toString('utf8')) : {};
      } catch {
        throw new ValidationError('The body is not valid JSON.');
      }
    }
    // Raw-body routes (signed channels) keep what the sender sent: their ledger stores it as is.
    const nulAt = spec.rawBody ? null : pathOfNul(bodyIn);
    if (nulAt) throw new ValidationError(`Invalid body field ${nulAt}: remove the NUL character (U+0000)`, { fields: { [nulAt]: ['Must not contain a NUL character.'] } });
    const body = parse(spec.body, bodyIn ?? {}, 'body field');
    // The spec's status is the default; a handler may answer otherwise (200 for a redelivery).
    res.status(spec.status ?? 200);
    const out = await spec.handler({ ...base, body } as RouteInput<P, Q, B>);
    if (out !== undefined && !res.headersSent) {
      if (spec.response && s.config.NODE_ENV === 'test') checkResponse(spec, out);
      res.json(out);
    }
  });
}

// A handler answering outside its declared schema is a bug in Chorus, not in the request.
function checkResponse(spec: RouteSpec, out: unknown): void {
  const r = spec.response!.safeParse(JSON.parse(JSON.stringify(out)));
  if (r.success) return;
  const i = r.error.issues[0];
  throw new Error(`${spec.method.toUpperCase()} ${spec.path} answered outside its response schema at ${i.path.join('.') || '(root)'}: ${i.message}`);
}

function parse<T>(schema: z.ZodType<T> | undefined, value: unknown, what: string): T {
  if (!schema) return value as T;
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const fields: Record<string, string[]> = {};
  for (const i of r.error.issues) {
    const key = i.path.join('.') || '(root)';
    (fields[key] ??= []).push(i.message);
  }
  const first = Object.entries(fields)[0];
  throw new ValidationError(`Invalid ${what} ${first[0]}: ${first[1][0]}`, { fields });
}
