import { ImapFlow } from 'imapflow';
import type { Inbox } from '../../../db/entities';
import { imapSyncStateRepository } from '../../../db/repositories/imap-sync-state.repository';
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

// One poll of one mailbox. It never looks at \Seen (another client reading the mail must not
// hide it from us), fetches with BODY.PEEK so it marks nothing read, and moves its bookmark
// (UIDVALIDITY + last UID) only after the ledger rows are committed: a crash re-fetches, and the
// ledger's unique key turns the re-fetch into duplicates, never into a second message.
export async function pollMailbox(s: Services, inbox: Inbox, settings: ImapSettings = imapSettingsSchema.parse(inbox.settings?.imap)): Promise<PollResult> {
  const client = new ImapFlow({
    host: settings.host, port: settings.port, secure: settings.secure, auth: { user: settings.user, pass: settings.pass },
    logger: false, tls: { rejectUnauthorized: s.config.NODE_ENV === 'production' },
  });
  const result: PollResult = { fetched: 0, recorded: 0, duplicates: 0, uidValidityChanged: false };
  await client.connect();
  try {
    const lock = await client.getMailboxLock(settings.mailbox);
    try {
      const box = client.mailbox as { uidValidity: bigint; uidNext: number };
      const uidValidity = String(box.uidValidity);
      const state = await imapSyncStateRepository.find(s.db.m, inbox.id, settings.mailbox);
      let lastUid = state?.lastUid ?? 0;
      if (state && state.uidValidity !== uidValidity) {
        // The server renumbered the mailbox: read it all again; keys drop what we already have.
        result.uidValidityChanged = true;
        lastUid = 0;
        s.logger.warn({ inboxId: inbox.id, mailbox: settings.mailbox, from: state.uidValidity, to: uidValidity }, 'IMAP UIDVALIDITY changed; rescanning the mailbox');
      }
      const saveBookmark = () => s.db.write((m) => imapSyncStateRepository.save(m, { inboxId: inbox.id, mailbox: settings.mailbox, uidValidity, lastUid, updatedAt: s.now() }));
      if (box.uidNext > lastUid + 1 || result.uidValidityChanged || !state) {
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
          // A re-fetched row a crash left `received` is processed too; the sweep covers the rest.
          await s.ingest.processRecorded(recorded);
          batch = [];
        };
        for await (const msg of client.fetch(`${lastUid + 1}:*`, { uid: true, source: true }, { uid: true })) {
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
  } finally {
    await client.logout().catch(() => client.close());
  }
  return result;
}
