import { ImapFlow } from 'imapflow';
import type { Inbox } from '../../../db/entities';
import { imapSyncStateRepository } from '../../../db/repositories/imap-sync-state.repository';
import { unfinished } from '../../../ingest/steps/010-record';
import type { Services } from '../../../services';
import { EMAIL_RAW_TYPE, emailIdempotencyKey } from '../email-key';
import { imapSettingsSchema, type ImapSettings } from './imap-settings';

export interface PollResult {
  fetched: number;
  recorded: number;
  duplicates: number;
  uidValidityChanged: boolean;
}

const BATCH = 50;

// Where a poll talks to, for every log line about it.
export function imapWhere(inbox: Inbox, settings: ImapSettings) {
  return { inboxId: inbox.id, host: settings.host, port: settings.port, user: settings.user, mailbox: settings.mailbox };
}

// A poll that made no progress within the inbox's timeout (a server that holds the socket open
// and sends nothing); its connection is closed so the next tick starts afresh.
export class ImapStalledError extends Error {
  constructor(where: ReturnType<typeof imapWhere>, ms: number) {
    super(`IMAP ${where.host}:${where.port} mailbox ${where.mailbox}: no progress for ${ms} ms, poll abandoned`);
    this.name = 'ImapStalledError';
  }
}

// Every timeout bounded by the inbox's setting, so nothing waits on a silent server for minutes.
export function createImapClient(s: Services, settings: ImapSettings, opts: { idle?: boolean } = {}): ImapFlow {
  const ms = settings.timeoutSeconds * 1000;
  return new ImapFlow({
    host: settings.host, port: settings.port, secure: settings.secure, auth: { user: settings.user, pass: settings.pass },
    logger: false, tls: { rejectUnauthorized: s.config.NODE_ENV === 'production' },
    connectionTimeout: ms, greetingTimeout: ms, socketTimeout: Math.max(ms, 5000),
    disableAutoIdle: !opts.idle, autoIdleDelay: 300, maxIdleTime: 5 * 60_000,
  });
}

// One poll of one mailbox. It never looks at \Seen (another client reading the mail must not
// hide it from us), fetches with BODY.PEEK so it marks nothing read, and moves its bookmark
// (UIDVALIDITY + last UID) only after the ledger rows are committed: a crash re-fetches, and the
// ledger's unique key turns the re-fetch into duplicates, never into a second message (a
// re-fetched row a crash left `received` is processed then; the recovery sweep covers the rest).
// With `client` the poll uses that connection (connecting it first when `connect`) and leaves it
// open; without, it opens and closes its own.
export async function pollMailbox(
  s: Services, inbox: Inbox, settings: ImapSettings = imapSettingsSchema.parse(inbox.settings?.imap),
  opts: { client?: ImapFlow; connect?: boolean } = {},
): Promise<PollResult> {
  const own = !opts.client;
  const client = opts.client ?? createImapClient(s, settings);
  const limit = settings.timeoutSeconds * 1000;
  let timer: NodeJS.Timeout | undefined;
  let abandon: (err: Error) => void = () => {};
  const stalled = new Promise<never>((_, reject) => (abandon = reject));
  // The deadline moves with progress: a long catch-up is fine, a silent server is not.
  const progress = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      abandon(new ImapStalledError(imapWhere(inbox, settings), limit));
      client.close();
    }, limit);
  };
  progress();
  const work = (async () => {
    if (own || opts.connect) await client.connect();
    progress();
    return fetchNew(s, inbox, settings, client, progress);
  })();
  work.catch(() => undefined);
  try {
    return await Promise.race([work, stalled]);
  } finally {
    clearTimeout(timer);
    if (own) await client.logout().catch(() => client.close());
  }
}

async function fetchNew(s: Services, inbox: Inbox, settings: ImapSettings, client: ImapFlow, progress: () => void): Promise<PollResult> {
  const result: PollResult = { fetched: 0, recorded: 0, duplicates: 0, uidValidityChanged: false };
  const lock = await client.getMailboxLock(settings.mailbox);
  try {
    progress();
    const box = client.mailbox as { uidValidity: bigint; uidNext: number; exists: number };
    const uidValidity = String(box.uidValidity);
    const state = await imapSyncStateRepository.find(s.db.m, inbox.id, settings.mailbox);
    let lastUid = state?.lastUid ?? 0;
    if (state && state.uidValidity !== uidValidity) {
      // The server renumbered the mailbox: read it all again; keys drop what we already have.
      result.uidValidityChanged = true;
      lastUid = 0;
      s.logger.warn({ ...imapWhere(inbox, settings), from: state.uidValidity, to: uidValidity }, 'IMAP UIDVALIDITY changed; rescanning the mailbox');
    }
    const saveBookmark = () => s.db.write((m) => imapSyncStateRepository.save(m, { inboxId: inbox.id, mailbox: settings.mailbox, uidValidity, lastUid, updatedAt: s.now() }));
    // On a connection kept open UIDNEXT is the one seen at SELECT, so ask for new UIDs (cheap)
    // before fetching sources.
    const fresh = box.exists > 0 && (box.uidNext > lastUid + 1 || ((await client.search({ uid: `${lastUid + 1}:*` }, { uid: true })) || []).some((u) => u > lastUid));
    if (fresh || result.uidValidityChanged || !state) {
      let batch: { uid: number; raw: Buffer }[] = [];
      const flush = async () => {
        if (!batch.length) return;
        const recorded = await s.ingest.record(inbox, batch.map((b) => ({ key: emailIdempotencyKey(b.raw), raw: b.raw.toString('latin1'), rawType: EMAIL_RAW_TYPE })));
        lastUid = Math.max(...batch.map((b) => b.uid));
        await saveBookmark();
        if (settings.deleteAfterImport) await client.messageDelete(batch.map((b) => b.uid).join(','), { uid: true });
        for (const r of recorded) {
          if (r.duplicate) result.duplicates++;
          else result.recorded++;
        }
        progress();
        for (const r of recorded.filter(unfinished)) {
          await s.ingest.process(r.id);
          progress();
        }
        batch = [];
      };
      for await (const msg of client.fetch(`${lastUid + 1}:*`, { uid: true, source: true }, { uid: true })) {
        progress();
        // "N:*" always returns the newest message even when its UID is below N.
        if (msg.uid <= lastUid || !msg.source) continue;
        result.fetched++;
        batch.push({ uid: msg.uid, raw: msg.source });
        if (batch.length >= BATCH) await flush();
      }
      await flush();
      await saveBookmark();
    }
  } finally {
    lock.release();
  }
  return result;
}
