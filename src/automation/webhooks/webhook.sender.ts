import http from 'node:http';
import https from 'node:https';
import type { OutboxItem } from '../../db/entities';
import { webhookRepository } from '../../db/repositories/webhook.repository';
import type { Services } from '../../services';
import { isPermanent, MAX_ATTEMPTS, PermanentDeliveryError, RetryLaterError } from '../../outbox/retry-policy';
import { retryAfterMs } from '../../outbox/retry-after';
import type { WebhookDelivery } from './webhook-dispatcher';
import { TEST_EVENT } from './webhook-events';
import { signWebhook } from './webhook-signature';
import { guardedLookup, refusePrivateLiteral } from './webhook-url';

class HttpFailure extends Error {
  constructor(message: string, readonly statusCode: number | null) {
    super(message);
  }
}

// One POST through node:http, so the DNS answer is checked at connect time (guardedLookup) and a
// redirect is never followed (a 3xx could point anywhere, inside the network too).
export function post(url: URL, headers: Record<string, string>, body: Buffer, timeoutMs: number, allowPrivate: boolean, signal: AbortSignal): Promise<{ status: number; retryAfter: string | null }> {
  return new Promise((resolve, reject) => {
    const literal = refusePrivateLiteral(url, allowPrivate);
    if (literal) return reject(new PermanentDeliveryError(literal));
    const lib = url.protocol === 'https:' ? https : http;
    const req = lib.request(url, { method: 'POST', headers: { ...headers, 'content-length': String(body.length) }, lookup: guardedLookup(allowPrivate), signal });
    const timer = setTimeout(() => req.destroy(new Error(`The receiver did not answer within ${Math.round(timeoutMs / 100) / 10} s.`)), timeoutMs);
    req.on('response', (res) => {
      // The body is not read into the log; draining it frees the connection.
      res.resume();
      res.on('end', () => clearTimeout(timer));
      const ra = res.headers['retry-after'];
      resolve({ status: res.statusCode ?? 0, retryAfter: typeof ra === 'string' ? ra : null });
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (err.code === 'EPRIVATE') return reject(new PermanentDeliveryError(err.message));
      if (err.code === 'ECONNREFUSED') return reject(new Error(`The receiver refused the connection (${url.host}).`));
      if (err.code === 'ENOTFOUND') return reject(new Error(`${url.hostname} does not resolve (DNS).`));
      if (err.name === 'AbortError') return reject(signal.reason instanceof Error ? signal.reason : new Error('The send was given up.'));
      reject(err);
    });
    req.end(body);
  });
}

function failureFor(status: number, retryAfter: string | null, now: number): Error {
  if (status === 429) return new RetryLaterError('The receiver asked us to slow down (HTTP 429).', retryAfterMs(retryAfter, now, 30_000));
  if (status >= 300 && status < 400) return new PermanentDeliveryError(`The receiver answered with a redirect (HTTP ${status}); webhooks do not follow redirects, so enter the final URL.`);
  if (status === 408) return new HttpFailure('The receiver timed out reading the delivery (HTTP 408).', status);
  if (status >= 400 && status < 500) return Object.assign(new PermanentDeliveryError(`The receiver refused the delivery (HTTP ${status}).`), { statusCode: status });
  return new HttpFailure(`The receiver failed (HTTP ${status}).`, status);
}

// Delivers one queued webhook: the current URL and secret of its webhook (a fixed URL or a rotated
// secret applies to retries too), a fresh timestamp and signature, the same delivery id. Every
// attempt is written to the delivery log, in words.
export function webhookSender(s: Services) {
  const timeoutMs = s.config.CHORUS_SEND_TIMEOUT_MS;
  const allowPrivate = s.config.CHORUS_WEBHOOKS_ALLOW_PRIVATE;
  return async (item: OutboxItem, signal: AbortSignal) => {
    const d = item.payload as unknown as WebhookDelivery;
    const hook = await webhookRepository.findById(s.db.m, d.webhookId);
    if (!hook) throw new PermanentDeliveryError('The webhook was deleted.');
    const started = s.now();
    // Wall time, not the service clock (which tests may hold still).
    const t0 = performance.now();
    let statusCode: number | null = null;
    try {
      if (!hook.active && d.event !== TEST_EVENT) throw new PermanentDeliveryError('The webhook was switched off before this delivery left.');
      const body = Buffer.from(JSON.stringify(d.body));
      const timestamp = Math.floor(s.now() / 1000);
      const headers = {
        'content-type': 'application/json',
        'user-agent': 'Chorus-Webhooks/1',
        'x-chorus-webhook-id': d.deliveryId,
        'x-chorus-webhook-event': d.event,
        'x-chorus-webhook-timestamp': String(timestamp),
        'x-chorus-webhook-signature': signWebhook(hook.secret, timestamp, body),
      };
      const res = await post(new URL(hook.url), headers, body, timeoutMs, allowPrivate, signal);
      statusCode = res.status;
      if (res.status < 200 || res.status >= 300) throw failureFor(res.status, res.retryAfter, s.now());
      await log(s, item, d, 'sent', statusCode, started, t0, null);
    } catch (err) {
      const final = isPermanent(err) || item.attempts >= MAX_ATTEMPTS;
      await log(s, item, d, final ? 'failed' : 'retrying', statusCode, started, t0, (err as Error).message ?? String(err));
      throw err;
    }
  };
}

async function log(s: Services, item: OutboxItem, d: WebhookDelivery, outcome: 'sent' | 'retrying' | 'failed', statusCode: number | null, started: number, t0: number, error: string | null): Promise<void> {
  try {
    await s.db.write((m) => webhookRepository.insertAttempt(m, {
      webhookId: d.webhookId, outboxItemId: item.id, deliveryId: d.deliveryId, event: d.event, attempt: item.attempts, outcome, statusCode,
      durationMs: Math.round(performance.now() - t0), error, at: started,
    }));
  } catch (err) {
    s.logger.warn({ err, itemId: item.id }, 'webhook attempt could not be logged');
  }
}
