import express from 'express';
import type { Server } from 'node:http';

// A local stand-in for the platforms' APIs: records each call and answers like the platform.
export interface Call {
  method: string;
  path: string;
  auth: string | undefined;
  query: Record<string, unknown>;
  body: any;
  // Bluesky's chat proxy header (chat.bsky.* calls go through the PDS with it).
  proxy?: string;
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
    calls.push({ method: req.method, path: req.path, auth: req.headers.authorization, query: req.query as Record<string, unknown>, body: req.body, proxy: req.headers['atproto-proxy'] as string | undefined });
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
    const bsky = blueskyAnswer(req, n);
    if (bsky) return res.status(bsky.status).json(bsky.body);
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

// Bluesky as its PDS answers (docs.bsky.app): an app password signs in; records and chat calls
// need that session's token, chat calls the chat proxy header too; a post holds 300 characters
// and a reply names its root and parent by uri and cid.
export const BLUESKY_ACCOUNT = { identifier: 'acme.bsky.social', appPassword: 'abcd-efgh-ijkl-mnop', did: 'did:plc:acmesupport' };
function blueskyAnswer(req: express.Request, n: number): { status: number; body: unknown } | null {
  const refused = (status: number, error: string, message: string) => ({ status, body: { error, message } });
  if (req.path === '/xrpc/com.atproto.server.createSession') {
    if (req.method !== 'POST') return refused(405, 'InvalidRequest', 'POST only');
    if (req.body?.identifier !== BLUESKY_ACCOUNT.identifier || req.body?.password !== BLUESKY_ACCOUNT.appPassword) return refused(401, 'AuthenticationRequired', 'Invalid identifier or password');
    return { status: 200, body: { did: BLUESKY_ACCOUNT.did, handle: BLUESKY_ACCOUNT.identifier, accessJwt: 'bsky-access-jwt', refreshJwt: 'bsky-refresh-jwt', active: true } };
  }
  if (!req.path.startsWith('/xrpc/com.atproto.repo.') && !req.path.startsWith('/xrpc/chat.bsky.')) return null;
  if (req.headers.authorization !== 'Bearer bsky-access-jwt') return refused(401, 'AuthenticationRequired', 'Authentication Required');
  if (req.path === '/xrpc/com.atproto.repo.createRecord') {
    const b = req.body ?? {};
    const r = b.record ?? {};
    if (b.repo !== BLUESKY_ACCOUNT.did || b.collection !== 'app.bsky.feed.post' || r.$type !== 'app.bsky.feed.post' || typeof r.createdAt !== 'string') return refused(400, 'InvalidRequest', 'Invalid app.bsky.feed.post record');
    if ([...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(String(r.text ?? ''))].length > 300) return refused(400, 'InvalidRequest', 'Record/text must not be longer than 300 graphemes');
    if (r.reply && !(r.reply.root?.uri && r.reply.root?.cid && r.reply.parent?.uri && r.reply.parent?.cid)) return refused(400, 'InvalidRequest', 'Record/reply must have root and parent strong refs');
    return { status: 200, body: { uri: `at://${BLUESKY_ACCOUNT.did}/app.bsky.feed.post/3out${n}`, cid: `bafyout${n}`, validationStatus: 'valid' } };
  }
  if (req.path.startsWith('/xrpc/chat.bsky.') && req.headers['atproto-proxy'] !== 'did:web:api.bsky.chat#bsky_chat') return refused(400, 'InvalidRequest', 'chat methods need the atproto-proxy header');
  if (req.path === '/xrpc/chat.bsky.convo.getConvoForMembers') return { status: 200, body: { convo: { id: `convo-${String(req.query.members)}`, rev: '1', members: [], muted: false, unreadCount: 0 } } };
  if (req.path === '/xrpc/chat.bsky.convo.sendMessage') {
    if (!req.body?.convoId || !req.body?.message?.text) return refused(400, 'InvalidRequest', 'convoId and message.text are required');
    return { status: 200, body: { id: `msg${n}`, rev: '2', text: req.body.message.text, sender: { did: BLUESKY_ACCOUNT.did }, sentAt: new Date().toISOString() } };
  }
  return refused(404, 'MethodNotImplemented', 'Method Not Implemented');
}
