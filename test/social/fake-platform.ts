import express from 'express';
import type { Server } from 'node:http';

// A local stand-in for the platforms' APIs: records each call and answers like the platform.
export interface Call {
  method: string;
  path: string;
  auth: string | undefined;
  query: Record<string, unknown>;
  body: any;
}

let mastodonMentions: unknown[] = [];
export function setMastodonMentions(list: unknown[]) {
  mastodonMentions = list;
}

// A file or JSON answer the fake serves at one path, refused with 401 unless the request carries
// the token the platform would demand (media APIs check the inbox's token like this).
export interface Served {
  status?: number;
  body: Buffer | unknown;
  contentType?: string;
  auth?: string;
  query?: Record<string, string>;
}

export async function fakePlatform(): Promise<{ url: string; calls: Call[]; next: (status: number, body: unknown, headers?: Record<string, string>) => void; serve: (path: string, answer: Served) => void; close: () => Promise<void> }> {
  const calls: Call[] = [];
  const served = new Map<string, Served>();
  const queued: { status: number; body: unknown; headers: Record<string, string> }[] = [];
  const app = express();
  app.use(express.json());
  let n = 0;
  app.use((req, res) => {
    calls.push({ method: req.method, path: req.path, auth: req.headers.authorization, query: req.query as Record<string, unknown>, body: req.body });
    const file = req.method === 'GET' ? served.get(req.path) : undefined;
    if (file) {
      if (file.auth !== undefined && req.headers.authorization !== file.auth) return res.status(401).json({ error: { message: 'Invalid OAuth access token.', code: 190 } });
      for (const [k, v] of Object.entries(file.query ?? {})) if (req.query[k] !== v) return res.status(400).json({ error: { message: `bad ${k}`, code: 100 } });
      if (Buffer.isBuffer(file.body)) return res.status(file.status ?? 200).type(file.contentType ?? 'application/octet-stream').send(file.body);
      return res.status(file.status ?? 200).json(file.body);
    }
    const q = queued.shift();
    if (q) return res.status(q.status).set(q.headers).json(q.body);
    n++;
    if (/\/bot[^/]+\/sendMessage$/.test(req.path)) return res.json({ ok: true, result: { message_id: 9000 + n, chat: { id: req.body.chat_id } } });
    if (/\/messages$/.test(req.path) && req.body?.messaging_product === 'whatsapp') return res.json({ messaging_product: 'whatsapp', messages: [{ id: `wamid.out${n}` }] });
    if (/\/me\/messages$/.test(req.path)) return res.json({ recipient_id: req.body.recipient?.id ?? 'x', message_id: `m_out${n}` });
    if (/\/(comments|replies|mentions)$/.test(req.path)) return res.json({ id: `c_out${n}` });
    if (req.path === '/api/v1/notifications') return res.json(req.query.since_id ? [] : mastodonMentions);
    if (req.path === '/api/v1/statuses') return res.json({ id: `1170${n}`, visibility: req.body.visibility, in_reply_to_id: req.body.in_reply_to_id });
    if (req.path === '/2/tweets') return res.status(201).json({ data: { id: `77${n}`, text: req.body.text } });
    if (/\/2\/dm_conversations\/with\/[^/]+\/messages$/.test(req.path)) return res.status(201).json({ data: { dm_conversation_id: 'c1', dm_event_id: `dm${n}` } });
    res.status(404).json({ error: 'unknown endpoint' });
  });
  const server: Server = await new Promise((r) => {
    const srv = app.listen(0, '127.0.0.1', () => r(srv));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    calls,
    next: (status, body, headers = {}) => queued.push({ status, body, headers }),
    serve: (path, answer) => served.set(path, answer),
    close: () => new Promise((r) => server.close(() => r())),
  };
}
