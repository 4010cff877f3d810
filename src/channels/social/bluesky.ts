import type { OutboxItem } from '../../db/entities';
import { inboxRepository } from '../../db/repositories/inbox.repository';
import { retryAfterMs } from '../../outbox/retry-after';
import { PermanentDeliveryError, RetryLaterError } from '../../outbox/retry-policy';
import type { Services } from '../../services';
import { outboundText } from './social-outbound';

// Bluesky's chat service is reached through the account's PDS with this proxy header.
const CHAT_PROXY = 'did:web:api.bsky.chat#bsky_chat';

const graphemes = (t: string) => [...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(t)].length;

interface BlueskySettings { apiBaseUrl: string; identifier: string; appPassword: string }
interface Session { did: string; accessJwt: string; until: number }

async function xrpc(url: URL, init: RequestInit, what: string): Promise<any> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
  const body: any = await res.json().catch(() => ({}));
  if (res.status === 429) throw new RetryLaterError('Bluesky is rate-limiting us; the reply will go out automatically.', retryAfterMs(res.headers.get('retry-after'), Date.now(), 60_000));
  if (res.status >= 500) throw new Error(`Bluesky failed (HTTP ${res.status}) on ${what}; retrying.`);
  if (res.status >= 400) {
    const err = Object.assign(new PermanentDeliveryError(`Bluesky refused ${what} (HTTP ${res.status}): ${body?.message ?? body?.error ?? 'no reason given'}`), { xrpcError: body?.error as string | undefined });
    throw err;
  }
  return body;
}

// Replies on Bluesky: a public one is an app.bsky.feed.post record in the inbox account's repo
// naming the post it answers and its thread's root (uri and cid each); a private one is a
// direct message in the conversation with the author (chat.bsky.convo through the PDS). The
// account signs in with an app password; its session is kept until it expires.
export function blueskySender(s: Services) {
  const sessions = new Map<number, Session>();
  const session = async (inboxId: number, cfg: BlueskySettings, fresh = false): Promise<Session> => {
    const known = sessions.get(inboxId);
    if (known && !fresh && known.until > Date.now()) return known;
    const r = await xrpc(new URL('/xrpc/com.atproto.server.createSession', cfg.apiBaseUrl), {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ identifier: cfg.identifier, password: cfg.appPassword }),
    }, 'the sign-in (check the handle and app password)');
    // Access tokens last a couple of hours; sign in again well before.
    const made = { did: String(r.did), accessJwt: String(r.accessJwt), until: Date.now() + 60 * 60_000 };
    sessions.set(inboxId, made);
    return made;
  };
  return async (item: OutboxItem) => {
    const msg = await outboundText(s, item);
    const inbox = await inboxRepository.findById(s.db.m, item.inboxId!);
    if (!msg || !inbox) throw new PermanentDeliveryError('The message or its inbox no longer exists.');
    if (msg.audience === 'staff') throw new PermanentDeliveryError('Staff notes are never sent.');
    const cfg = inbox.settings as unknown as BlueskySettings;
    const p = item.payload as { mode: 'public' | 'private'; userId: string; flags: Record<string, any> | null };
    const send = async (sess: Session) => {
      const auth = { authorization: `Bearer ${sess.accessJwt}` };
      if (p.mode === 'public') {
        if (graphemes(msg.text) > 300) throw new PermanentDeliveryError(`A Bluesky post holds at most 300 characters; this reply has ${graphemes(msg.text)}. Shorten it, or take it private.`);
        const f = p.flags ?? {};
        if (!f.uri || !f.cid) throw new PermanentDeliveryError('The post to answer has no Bluesky uri and cid; it cannot be replied to.');
        const record = {
          $type: 'app.bsky.feed.post', text: msg.text, createdAt: new Date().toISOString(),
          reply: { root: { uri: f.rootUri ?? f.uri, cid: f.rootCid ?? f.cid }, parent: { uri: f.uri, cid: f.cid } },
        };
        const r = await xrpc(new URL('/xrpc/com.atproto.repo.createRecord', cfg.apiBaseUrl), {
          method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify({ repo: sess.did, collection: 'app.bsky.feed.post', record }),
        }, 'the reply');
        return { externalId: typeof r.uri === 'string' ? r.uri : null };
      }
      const chat = { ...auth, 'atproto-proxy': CHAT_PROXY };
      const url = new URL('/xrpc/chat.bsky.convo.getConvoForMembers', cfg.apiBaseUrl);
      url.searchParams.append('members', p.userId);
      const convo = await xrpc(url, { headers: chat }, 'opening the conversation (the app password must allow direct messages, and the author accept them)');
      const r = await xrpc(new URL('/xrpc/chat.bsky.convo.sendMessage', cfg.apiBaseUrl), {
        method: 'POST', headers: { 'content-type': 'application/json', ...chat }, body: JSON.stringify({ convoId: convo?.convo?.id, message: { text: msg.text } }),
      }, 'the direct message');
      return { externalId: typeof r.id === 'string' ? `dm:${r.id}` : null };
    };
    try {
      return await send(await session(inbox.id, cfg));
    } catch (err) {
      // An expired session: sign in again once.
      if ((err as { xrpcError?: string }).xrpcError !== 'ExpiredToken') throw err;
      return send(await session(inbox.id, cfg, true));
    }
  };
}
