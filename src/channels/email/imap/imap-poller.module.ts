import { inboxRepository } from '../../../db/repositories/inbox.repository';
import type { ChorusModule } from '../../../module';
import { pollMailbox } from './imap-poller';
import { imapSettingsSchema } from './imap-settings';

// Polls every e-mail inbox that has IMAP settings, each on its own interval. A poll that fails
// (server down, bad password) is logged and tried again next time; nothing is lost meanwhile
// because the mail stays on the server and the bookmark did not move.
export const imapPollerModule: ChorusModule = {
  name: 'imap-poller',
  async start(s) {
    if (!s.config.CHORUS_WORKERS) return;
    const timers: NodeJS.Timeout[] = [];
    const running = new Set<number>();
    for (const inbox of await inboxRepository.listByChannel(s.db.m, 'email')) {
      const parsed = imapSettingsSchema.safeParse(inbox.settings?.imap);
      if (!inbox.settings?.imap) continue;
      if (!parsed.success) {
        s.logger.error({ inboxId: inbox.id, issues: parsed.error.issues }, 'IMAP settings of this inbox are not valid; not polling it');
        continue;
      }
      const tick = async () => {
        if (running.has(inbox.id)) return;
        running.add(inbox.id);
        try {
          const r = await pollMailbox(s, inbox, parsed.data);
          if (r.fetched) s.logger.info({ inboxId: inbox.id, ...r }, 'IMAP poll');
        } catch (err) {
          s.logger.warn({ inboxId: inbox.id, err }, 'IMAP poll failed; will retry');
        } finally {
          running.delete(inbox.id);
        }
      };
      void tick();
      const t = setInterval(() => void tick(), parsed.data.pollSeconds * 1000);
      t.unref();
      timers.push(t);
    }
    return async () => timers.forEach(clearInterval);
  },
};
