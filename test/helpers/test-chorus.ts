import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { io as ioClient, type Socket } from 'socket.io-client';
import { createAgent } from '../../src/agents/create-agent';
import { createChorus, type Chorus } from '../../src/app';
import { hmacHex } from '../../src/channels/signature';
import { loadConfig } from '../../src/config';
import { agentRepository } from '../../src/db/repositories/agent.repository';
import { createInbox } from '../../src/inboxes/create-inbox';
import { createLogger } from '../../src/logger';
import type { InboundMessage } from '../../src/channels/inbound-message';
import type { ChorusModule } from '../../src/module';

export type DbKind = 'sqlite' | 'postgres';

// The store suites run on SQLite always, and on Postgres too when TEST_DATABASE_URL is set.
export const DB_KINDS: DbKind[] = process.env.TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];

export interface TestChorus extends Chorus {
  url: string;
  port: number;
  dbUrl: string;
  admin: { id: number; email: string; password: string; token: string };
  api: (method: string, p: string, body?: unknown, token?: string) => Promise<{ status: number; body: any; headers: Headers }>;
  stop: () => Promise<void>;
}

// A fresh, empty Postgres database per test Chorus, dropped at stop.
export async function freshPostgres(): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = process.env.TEST_DATABASE_URL!;
  const name = `chorus_t_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(base);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const c = new Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

// A test channel whose raw items are InboundMessage JSON, for messages at known times and authors.
export function jsonChannelModule(rawType: string, channels: string[] = ['email', 'x']): ChorusModule {
  return {
    name: `json-channel:${rawType}`,
    register: (s) => s.parsers.register({ channels, parsers: { [rawType]: async (raw: string) => JSON.parse(raw) as InboundMessage } }),
  };
}

// Two nodes on one store (Postgres: a fresh database; SQLite: the second opens the first's file,
// as a second process would), for once-per-cluster behaviour. drop() after both stopped.
export async function startTwoNodes(kind: DbKind, opts: { env?: Record<string, string>; now?: () => number; modules?: ChorusModule[] } = {}): Promise<{ a: TestChorus; b: TestChorus; drop: () => Promise<void> }> {
  if (kind === 'postgres') {
    const pg = await freshPostgres();
    const a = await startTestChorus({ ...opts, dbUrl: pg.url });
    const b = await startTestChorus({ ...opts, dbUrl: pg.url });
    return { a, b, drop: pg.drop };
  }
  const a = await startTestChorus({ ...opts, db: 'sqlite' });
  const b = await startTestChorus({ ...opts, dbUrl: a.dbUrl });
  return { a, b, drop: async () => {} };
}

export async function startTestChorus(opts: { db?: DbKind; env?: Record<string, string>; modules?: ChorusModule[]; dbUrl?: string; now?: () => number } = {}): Promise<TestChorus> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chorus-test-'));
  let drop = async () => {};
  let dbUrl = opts.dbUrl ?? `sqlite:${path.join(dir, 'chorus.sqlite')}`;
  if (!opts.dbUrl && opts.db === 'postgres') {
    const pg = await freshPostgres();
    dbUrl = pg.url;
    drop = pg.drop;
  }
  const config = loadConfig(
    { NODE_ENV: 'test', CHORUS_DATA_DIR: dir, DATABASE_URL: dbUrl, CHORUS_SECRET: 'test-secret-0123456789abcdef', CHORUS_SMTP_ENABLED: 'false', LOG_LEVEL: 'silent', PORT: '0', ...opts.env },
    { readDotEnv: false },
  );
  const chorus = await createChorus(config, { logger: createLogger(opts.env?.LOG_LEVEL ?? 'silent'), modules: opts.modules, now: opts.now });
  const port = await chorus.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${port}`;
  config.publicUrl = url;
  const existing = (await agentRepository.list(chorus.s.db.m)).find((a) => a.role === 'admin');
  const adminAgent = existing ?? (await createAgent(chorus.s.db, Date.now(), { email: `admin-${Math.random().toString(36).slice(2, 7)}@chorus.test`, name: 'Ada Admin', password: 'correct horse', role: 'admin' }));
  const token = await chorus.s.sessions.createApiToken(adminAgent.id, 'test');
  const api = async (method: string, p: string, body?: unknown, tok: string | undefined = token) => {
    const res = await fetch(url + p, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(tok ? { authorization: `Bearer ${tok}` } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed as any, headers: res.headers };
  };
  return Object.assign(chorus, {
    url, port, dbUrl, api,
    admin: { id: adminAgent.id, email: adminAgent.email, password: 'correct horse', token },
    stop: async () => {
      await chorus.close();
      await drop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  });
}

export async function apiInbox(t: TestChorus, settings: Record<string, unknown> = {}) {
  return createInbox(t.s.db, Date.now(), { name: 'Partner API', channel: 'api', settings });
}

export async function postSigned(t: TestChorus, inbox: { id: number; secret: string }, body: unknown, opts: { secret?: string; raw?: string } = {}) {
  const raw = opts.raw ?? JSON.stringify(body);
  const res = await fetch(`${t.url}/api/inboxes/${inbox.id}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-chorus-signature': `sha256=${hmacHex(opts.secret ?? inbox.secret, Buffer.from(raw))}` },
    body: raw,
  });
  return { status: res.status, body: (await res.json()) as any };
}

// Delivers a raw RFC 5322 mail through the token-authenticated door; throws on a refusal.
export async function postRawEmail(t: TestChorus, inboxId: number, raw: string): Promise<{ state: string; ticketId: number; messageId: number }> {
  const res = await fetch(`${t.url}/api/inboxes/${inboxId}/raw-email`, { method: 'POST', headers: { authorization: `Bearer ${t.admin.token}`, 'content-type': 'message/rfc822' }, body: raw });
  const body = (await res.json()) as { state: string; ticketId: number; messageId: number };
  if (res.status >= 300) throw new Error(JSON.stringify(body));
  return body;
}

export function connectSocket(t: { url: string }, opts: { token?: string; cookie?: string } = {}): Promise<Socket> {
  const socket = ioClient(t.url, {
    transports: ['websocket'],
    auth: opts.token ? { token: opts.token } : {},
    extraHeaders: opts.cookie ? { cookie: opts.cookie } : undefined,
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve, reject) => {
    socket.once('hello', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

export function joinTicket(socket: Socket, ticketId: number): Promise<{ ok: boolean; audience?: string }> {
  return socket.timeout(5000).emitWithAck('ticket:join', { ticketId });
}

export function nextEvent<T = any>(socket: Socket, event: string, pred: (p: T) => boolean = () => true, ms = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, on);
      reject(new Error(`no ${event} within ${ms} ms`));
    }, ms);
    const on = (p: T) => {
      if (!pred(p)) return;
      clearTimeout(timer);
      socket.off(event, on);
      resolve(p);
    };
    socket.on(event, on);
  });
}

// Collects every event a socket receives, for "never receives" assertions.
export function recordEvents(socket: Socket): { events: [string, any][] } {
  const rec = { events: [] as [string, any][] };
  socket.onAny((name, payload) => rec.events.push([name, payload]));
  return rec;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
