import type { ChorusModule } from '../../../module';
import { runPerInbox } from '../../../inboxes/inbox-runners';
import { imapSettingsSchema } from './imap-settings';
import { ImapWatcher } from './imap-watcher';

// Polls every e-mail inbox that has IMAP settings (and IDLEs where the server can). Inboxes
// created or edited while Chorus runs are followed at once. A poll that fails (server down,
// bad password, a silent server) is logged with its host and mailbox and tried again next
// time; nothing is lost meanwhile because the mail stays on the server and the bookmark did not move.
export const imapPollerModule: ChorusModule = {
  name: 'imap-poller',
  async start(s) {
    if (!s.config.CHORUS_WORKERS) return;
    const runners = runPerInbox(s, {
      name: 'IMAP poller',
      channels: ['email'],
      fingerprint: (inbox) => (inbox.settings?.imap ? JSON.stringify(inbox.settings.imap) : null),
      start: (inbox) => {
        const parsed = imapSettingsSchema.safeParse(inbox.settings?.imap);
        if (!parsed.success) {
          s.logger.error({ inboxId: inbox.id, issues: parsed.error.issues }, 'IMAP settings of this inbox are not valid; not polling it');
          return async () => {};
        }
        const watcher = new ImapWatcher(s, inbox, parsed.data);
        watcher.start();
        return () => watcher.stop();
      },
    });
    await runners.sync();
    return runners.stop;
  },
};
