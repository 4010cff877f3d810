import type { Inbox, OutboxItem } from '../../db/entities';
import { inboxRepository } from '../../db/repositories/inbox.repository';
import { messageRepository } from '../../db/repositories/message.repository';
import { z } from 'zod';
import type { IgnoredItem, InboundMessage, RawItem } from '../inbound-message';
import { PermanentDeliveryError, RetryLaterError } from '../../outbox/retry-policy';
import type { Services } from '../../services';
import { runPerInbox, type InboxRunners } from '../../inboxes/inbox-runners';
import { platformTime } from './platform-time';
import { malformedItem, zodReason } from './social-items';
import { htmlToPlain } from './social-types';
import { outboundText } from './social-outbound';

export const MASTODON_RAW_TYPE = 'mastodon.status.v1';

const digits = z.union([z.string().regex(/^\d+$/), z.number().int()]).transform(String);
const account = z.looseObject({ id: digits, acct: z.string(), display_name: z.string().optional(), followers_count: z.number().optional() });
const mastodonNotification = z.looseObject({
  id: digits,
  type: z.string(),
  account: account.optional(),
  status: z.looseObject({ id: digits, content: z.string().optional(), visibility: z.string(), in_reply_to_id: digits.nullable().optional(), created_at: z.unknown().optional(), account }).nullable().optional(),
});

// Mastodon has no signed webhooks for mentions: Chorus polls the notifications of its account
// with since_id, so a restart resumes where it stopped and the ledger drops anything seen twice.
export async function pollMastodon(s: Services, inbox: Inbox): Promise<{ fetched: number; recorded: number }> {
  const cfg = (inbox.settings ?? {}) as { apiBaseUrl: string; accessToken: string; sinceId?: string; accountId?: string };
  const url = new URL('/api/v1/notifications', cfg.apiBaseUrl);
  url.searchParams.append('types[]', 'mention');
  url.searchParams.set('limit', '40');
  if (cfg.sinceId) url.searchParams.set('since_id', cfg.sinceId);
  const res = await fetch(url, { headers: { authorization: `Bearer ${cfg.accessToken}` }, signal: AbortSignal.timeout(15_000) });
  if (!res.ok) throw new Error(`Mastodon answered HTTP ${res.status} to the notifications poll`);
  const body = z.array(z.unknown()).safeParse(await res.json());
  if (!body.success) throw new Error('Mastodon answered the notifications poll with something other than a list');
  // A notification not of the documented shape is kept as a failed item with its reason.
  const items: RawItem[] = [];
  const ids: string[] = [];
  for (const raw of [...body.data].reverse()) {
    const n = mastodonNotification.safeParse(raw);
    if (!n.success) {
      items.push(malformedItem('mastodon', zodReason(n.error), raw));
      continue;
    }
    ids.push(n.data.id);
    if (n.data.type !== 'mention') items.push({ key: `masto:notification:${n.data.id}`, raw: JSON.stringify({ ignore: `Mastodon ${n.data.type} notification: nothing to store` }), rawType: MASTODON_RAW_TYPE });
    else if (!n.data.status) items.push(malformedItem('mastodon', 'a mention without its status', raw));
    else items.push({ key: `masto:${n.data.status.id}`, raw: JSON.stringify(raw), rawType: MASTODON_RAW_TYPE });
  }
  const recorded = await s.ingest.record(inbox, items);
  if (ids.length) {
    const newest = ids.sort((a, b) => (BigInt(a) > BigInt(b) ? -1 : 1))[0];
    // Only sinceId is ours to write: an edit saved while this poll ran must survive it.
    await s.db.write(async (m) => {
      const current = await inboxRepository.findById(m, inbox.id);
      if (current) await inboxRepository.update(m, inbox.id, { settings: { ...(current.settings ?? {}), sinceId: newest } });
    });
    inbox.settings = { ...cfg, sinceId: newest };
  }
  await s.ingest.processRecorded(recorded);
  return { fetched: items.length, recorded: recorded.filter((r) => !r.duplicate).length };
}

export function parseMastodon(raw: string, inbox: Inbox): InboundMessage | IgnoredItem {
  const n = JSON.parse(raw);
  if (typeof n.ignore === 'string') return { ignore: n.ignore };
  const st = n.status;
  const acct = st.account ?? n.account;
  if (inbox.settings?.accountId && String(acct.id) === String(inbox.settings.accountId)) return { ignore: 'our own post seen again (echo)' };
  const time = platformTime(st.created_at);
  const isPrivate = st.visibility === 'direct' || st.visibility === 'private';
  return {
    channel: 'mastodon', externalId: String(st.id), replyToExternalId: st.in_reply_to_id ? String(st.in_reply_to_id) : null,
    threadKey: isPrivate ? `dm:${acct.id}` : `status:${st.in_reply_to_id ?? st.id}`,
    author: { kind: 'mastodon', value: String(acct.id), handle: acct.acct, displayName: acct.display_name || null, name: acct.display_name || `@${acct.acct}`, followers: acct.followers_count ?? null },
    subject: isPrivate ? null : `Mention by @${acct.acct}`,
    text: htmlToPlain(st.content ?? ''), audienceHint: isPrivate ? 'private' : 'public',
    receivedAt: time.receivedAt, flags: { acct: acct.acct, visibility: st.visibility, ...(time.timeNote ? { timeNote: time.timeNote } : {}) },
  };
}

// Each Mastodon inbox gets its own poller through the shared per-inbox runner: an inbox created
// or edited while Chorus runs is polled at once with its new settings, a deleted one no more.
// sinceId is our own bookkeeping and not an edit. Polls of one inbox never overlap.
export function startMastodonPollers(s: Services): InboxRunners {
  return runPerInbox(s, {
    name: 'Mastodon poller',
    channels: ['mastodon'],
    fingerprint: (inbox) => {
      const { sinceId: _bookkeeping, ...rest } = (inbox.settings ?? {}) as Record<string, unknown>;
      return JSON.stringify(rest);
    },
    start: (inbox) => {
      let running: Promise<unknown> | null = null;
      const tick = () => {
        if (running) return;
        running = pollMastodon(s, inbox)
          .catch((err) => s.logger.warn({ inboxId: inbox.id, err }, 'Mastodon poll failed; will retry'))
          .finally(() => { running = null; });
      };
      tick();
      const timer = setInterval(tick, Number(inbox.settings?.pollSeconds ?? 30) * 1000);
      timer.unref();
      return async () => {
        clearInterval(timer);
        await running;
      };
    },
  });
}

// Replies keep the visibility of the conversation and start with @acct, as Mastodon clients do.
export function mastodonSender(s: Services) {
  return async (item: OutboxItem) => {
    const msg = await outboundText(s, item);
    const inbox = await inboxRepository.findById(s.db.m, item.inboxId!);
    if (!msg || !inbox) throw new PermanentDeliveryError('The message or its inbox no longer exists.');
    if (msg.audience === 'staff') throw new PermanentDeliveryError('Staff notes are never sent.');
    const p = item.payload as { mode: 'public' | 'private'; handle: string | null; replyToExternalId: string | null };
    const cfg = inbox.settings as { apiBaseUrl: string; accessToken: string };
    const status = p.handle && !msg.text.startsWith(`@${p.handle}`) ? `@${p.handle} ${msg.text}` : msg.text;
    const res = await fetch(new URL('/api/v1/statuses', cfg.apiBaseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${cfg.accessToken}`, 'idempotency-key': `chorus-outbox-${item.id}` },
      body: JSON.stringify({ status, in_reply_to_id: p.replyToExternalId, visibility: p.mode === 'public' ? 'public' : 'direct' }),
      signal: AbortSignal.timeout(15_000),
    });
    if (res.status === 429) throw new RetryLaterError('Mastodon is rate-limiting us.', 60_000);
    const body = (await res.json().catch(() => ({}))) as { id?: string; error?: string };
    if (res.status >= 400 && res.status < 500) throw new PermanentDeliveryError(`Mastodon refused the reply (HTTP ${res.status}): ${body.error ?? 'no reason given'}`);
    if (!res.ok) throw new Error(`Mastodon failed (HTTP ${res.status})`);
    return { externalId: body.id ?? null };
  };
}
