import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import express from 'express';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { defineRoute } from '../src/http/route';
import { startTestChorus, type TestChorus } from './helpers/test-chorus';

const run = promisify(execFile);
const REDOCLY = path.join(__dirname, '..', 'node_modules', '@redocly', 'cli', 'bin', 'cli.js');

// Warnings the recommended ruleset still raises, each justified in the README (API contract).
const ACCEPTED_WARNINGS = new Set<string>([]);

// The contract a client generator relies on: every operation named, its success answer and its
// errors described, and the linter finding no error.
describe('the OpenAPI document', () => {
  let t: TestChorus;
  let doc: any;
  beforeAll(async () => {
    const { modules } = await import('../src/modules');
    t = await startTestChorus({ modules });
    doc = (await t.api('GET', '/api/openapi.json')).body;
  });
  afterAll(async () => t.stop());

  const operations = () =>
    Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([p, ops]) => Object.entries(ops).map(([method, op]) => ({ where: `${method.toUpperCase()} ${p}`, op })));

  it('names every operation once, with its success response and its error responses', () => {
    const ops = operations();
    expect(ops.length).toBeGreaterThan(100);
    const ids = ops.map((o) => o.op.operationId);
    expect(ids.filter((id) => typeof id !== 'string' || !/^[a-z][A-Za-z0-9]*$/.test(id))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { where, op } of ops) {
      const codes = Object.keys(op.responses);
      const success = codes.filter((c) => /^[23]\d\d$/.test(c));
      expect([where, success.length]).toEqual([where, 1]);
      const ok = op.responses[success[0]];
      if (!['204', '301', '302', '303'].includes(success[0])) expect([where, Object.keys(ok.content ?? {}).length]).toEqual([where, 1]);
      expect([where, codes.some((c) => /^4\d\d$/.test(c))]).toEqual([where, true]);
    }
    // The framework's own refusals are described where they can happen.
    const change = doc.paths['/api/tickets/{id}']?.patch;
    expect(Object.keys(change.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403', '404', '413']));
    expect(change.operationId).toBe('patchApiTicketsById');
    // Open to everyone; whoever may not see the ticket is told it is not there.
    expect(Object.keys(doc.paths['/api/tickets/{id}'].get.responses)).toEqual(['200', '400', '404', 'default']);
  });

  it('checks every answer of a route against its declared response schema in tests', async () => {
    const app = express();
    app.use((req, _res, next) => ((req as any).viewer = { kind: 'anonymous' }, next()));
    const router = express.Router();
    const s = { config: { NODE_ENV: 'test', CHORUS_API_MAX_BYTES: 1000 } } as any;
    const response = z.object({ count: z.number().int() });
    defineRoute(router, s, { method: 'get', path: '/probe/good', tag: 'meta', summary: 'good', authorize: () => true, response, handler: () => ({ count: 2 }) });
    defineRoute(router, s, { method: 'get', path: '/probe/drifted', tag: 'meta', summary: 'drifted', authorize: () => true, response, handler: () => ({ count: 'two' }) });
    app.use(router);
    const errors: string[] = [];
    app.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => (errors.push(err.message), res.status(500).end()));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect((await fetch(`${base}/probe/good`)).status).toBe(200);
      expect((await fetch(`${base}/probe/drifted`)).status).toBe(500);
      expect(errors).toEqual([expect.stringMatching(/^GET \/probe\/drifted answered outside its response schema at count: /)]);
    } finally {
      server.close();
    }
  });

  it('passes the linter with no errors and only the warnings the README justifies', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'chorus-openapi-')), 'openapi.json');
    fs.writeFileSync(file, JSON.stringify(doc));
    const out = await run(process.execPath, [REDOCLY, 'lint', file, '--format=json', '--max-problems', '10000'], { maxBuffer: 64 << 20, env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } })
      .catch((err: { stdout?: string; stderr?: string }) => ({ stdout: err.stdout ?? '', stderr: err.stderr ?? '' }));
    const report = JSON.parse(out.stdout.slice(out.stdout.indexOf('{')));
    const problems: { ruleId: string; severity: string; message: string; location?: { pointer?: string }[] }[] = report.problems;
    expect(problems.filter((p) => p.severity === 'error').map((p) => `${p.ruleId}: ${p.message} at ${p.location?.[0]?.pointer}`)).toEqual([]);
    expect([...new Set(problems.filter((p) => !ACCEPTED_WARNINGS.has(p.ruleId)).map((p) => `${p.ruleId}: ${p.message}`))]).toEqual([]);
  });
});
