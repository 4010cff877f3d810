import { z } from 'zod';
import { registerChannelSettings } from '../channel-settings';
import { inboxRepository } from '../../db/repositories/inbox.repository';
import { InboxNotFoundError } from '../../errors';
import { defineRoute } from '../../http/route';
import type { ChorusModule } from '../../module';
import { blueskySender } from './bluesky';
import { MASTODON_RAW_TYPE, mastodonSender, parseMastodon, startMastodonPollers } from './mastodon';
import { meta } from './meta.platform';
import { MALFORMED_RAW_TYPE, malformedItem, parseMalformed } from './social-items';
import type { SocialPlatform } from './social-types';
import { planSocialReply, socialSenders } from './social-outbound';
import { telegram } from './telegram.platform';
import { whatsapp } from './whatsapp.platform';
import { x } from './x.platform';

const PLATFORMS: SocialPlatform[] = [meta, whatsapp, telegram, x];

const base = { apiBaseUrl: z.url().describe('The platform API base URL (tests point it at a local fake)') };
registerChannelSettings('telegram', z.object({ ...base, apiBaseUrl: z.url().default('https://api.telegram.org'), botToken: z.string().min(10), botId: z.string().optional() }));
for (const kind of ['messenger', 'instagram'] as const) {
  registerChannelSettings(kind, z.object({ ...base, apiBaseUrl: z.url().default('https://graph.facebook.com/v21.0'), pageId: z.string().min(1), accessToken: z.string().min(10), verifyToken: z.string().min(8) }));
}
registerChannelSettings('whatsapp', z.object({ ...base, apiBaseUrl: z.url().default('https://graph.facebook.com/v21.0'), phoneNumberId: z.string().min(1), accessToken: z.string().min(10), verifyToken: z.string().min(8) }));
registerChannelSettings('mastodon', z.object({ ...base, accessToken: z.string().min(10), accountId: z.string().optional(), pollSeconds: z.number().int().min(5).max(3600).default(30), sinceId: z.string().optional() }));
registerChannelSettings('bluesky', z.object({ ...base, apiBaseUrl: z.url().default('https://bsky.social'), identifier: z.string().min(3), appPassword: z.string().min(8) }));
registerChannelSettings('x', z.object({ ...base, apiBaseUrl: z.url().default('https://api.x.com'), accountId: z.string().min(1), bearerToken: z.string().min(10) }));

// Webhooks of every platform: signature over the raw bytes first, the ledger commit, the 200,
// then processing in the background (platforms retry slow answers and we must not double up).
export const socialModule: ChorusModule = {
  name: 'social',
  register(s) {
    for (const p of PLATFORMS) s.parsers.register({ channels: p.channels, parsers: { [p.rawType]: p.parse } });
    s.outbound.register(planSocialReply);
    for (const [kind, sender] of Object.entries(socialSenders(s))) s.outbox.register(kind, sender);
    s.parsers.register({ channels: ['mastodon'], parsers: { [MASTODON_RAW_TYPE]: parseMastodon } });
    s.parsers.register({ channels: [...PLATFORMS.flatMap((p) => p.channels), 'mastodon'], parsers: { [MALFORMED_RAW_TYPE]: parseMalformed } });
    s.outbox.register('social.mastodon', mastodonSender(s));
    s.outbox.register('social.bluesky', blueskySender(s));
  },
  async start(s) {
    if (!s.config.CHORUS_WORKERS) return;
    const pollers = startMastodonPollers(s);
    await pollers.sync();
    return pollers.stop;
  },
  routes(r, s) {
    for (const p of PLATFORMS) {
      const path = `/webhooks/${p.name}/:inboxId`;
      const params = z.object({ inboxId: z.coerce.number().int().positive() });
      const load = async (id: number) => {
        const inbox = await inboxRepository.findById(s.db.m, id);
        if (!inbox || !p.channels.includes(inbox.channel)) {
          s.logger.warn({ inboxId: id, platform: p.name }, 'webhook: no inbox of this platform with this id');
          throw new InboxNotFoundError();
        }
        return inbox;
      };
      if (p.handshake) {
        defineRoute(r, s, {
          method: 'get', path, tag: 'webhooks', summary: `${p.name} webhook verification handshake`,
          params, query: z.record(z.string(), z.unknown()),
          authorize: () => true,
          handler: async ({ params: { inboxId }, query, res }) => {
            const h = p.handshake!(await load(inboxId), query);
            // A refused handshake answers like an unknown inbox (ids cannot be probed).
            if (h.status >= 400) {
              s.logger.warn({ inboxId, platform: p.name, answer: h.body }, 'webhook handshake refused');
              throw new InboxNotFoundError();
            }
            if (h.type) res.status(h.status).type(h.type).send(String(h.body));
            else res.status(h.status).json(h.body);
            return undefined;
          },
        });
      }
      defineRoute(r, s, {
        method: 'post', path, tag: 'webhooks', summary: `${p.name} webhook events`,
        params, rawBody: true, rawBodyAs: 'bytes',
        authorize: async (_v, { params: { inboxId }, req, rawBody }) => {
          if (!p.verify(await load(inboxId), req, rawBody ?? Buffer.alloc(0))) {
            s.logger.warn({ inboxId, platform: p.name }, 'webhook: the signature does not match the inbox secret');
            throw new InboxNotFoundError();
          }
          return true;
        },
        // A signed body that is not JSON, or not of the platform's shape, is recorded as a failed
        // item with the reason and still answered 200: the platform would only retry it forever.
        handler: async ({ params: { inboxId }, rawBody, res }) => {
          const inbox = await load(inboxId);
          const text = (rawBody ?? Buffer.alloc(0)).toString('utf8');
          let body: unknown;
          let items;
          try {
            body = JSON.parse(text);
          } catch {
            items = [malformedItem(p.name, 'the body is not JSON', text)];
          }
          if (!items) {
            await p.receipts?.(body, s, inbox);
            items = p.split(body, inbox);
          }
          const recorded = await s.ingest.record(inbox, items);
          res.status(200).json({ ok: true, received: recorded.length });
          // A crash from here on is picked up by the recovery sweep.
          void s.ingest.processRecorded(recorded).catch((err) => s.logger.warn({ err, inboxId }, 'webhook items could not be processed now; the recovery sweep retries them'));
          return undefined;
        },
      });
    }
  },
};
