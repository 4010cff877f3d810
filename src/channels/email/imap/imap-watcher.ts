import type { ImapFlow } from 'imapflow';
import type { Inbox } from '../../../db/entities';
import type { Services } from '../../../services';
import { createImapClient, imapWhere, pollMailbox } from './imap-poller';
import type { ImapSettings } from './imap-settings';

// Keeps one IMAP inbox in step: polls at start and every `pollSeconds`, and — where the server
// offers IDLE — keeps the connection open on the mailbox so new mail is fetched within about a
// second. A poll never overlaps another; a tick that finds one still running says so (with how
// long it has been running), and every failure names the host and mailbox.
export class ImapWatcher {
  private client: ImapFlow | null = null;
  private running: Promise<void> | null = null;
  private runningSince = 0;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly s: Services, private readonly inbox: Inbox, private readonly settings: ImapSettings) {}

  start(): void {
    void this.tick('start');
    this.timer = setInterval(() => void this.tick('interval'), this.settings.pollSeconds * 1000);
    this.timer.unref();
  }

  tick(reason: 'start' | 'interval' | 'idle' | 'manual' = 'manual'): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      if (reason === 'idle') this.again = true;
      else this.s.logger.warn({ ...imapWhere(this.inbox, this.settings), runningForMs: Date.now() - this.runningSince }, 'IMAP poll still running; tick skipped');
      return this.running;
    }
    this.runningSince = Date.now();
    this.running = this.pollOnce().finally(() => {
      this.running = null;
      // Mail announced while the poll ran may have arrived after its fetch.
      if (this.again && !this.stopped) {
        this.again = false;
        void this.tick('idle');
      }
    });
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    await this.running?.catch(() => undefined);
    this.drop();
  }

  private async pollOnce(): Promise<void> {
    const where = imapWhere(this.inbox, this.settings);
    const fresh = !this.client?.usable;
    if (fresh) {
      this.drop();
      this.client = this.newClient();
    }
    const client = this.client!;
    try {
      const r = await pollMailbox(this.s, this.inbox, this.settings, { client, connect: fresh });
      if (r.fetched) this.s.logger.info({ ...where, ...r }, 'IMAP poll');
      if (this.stopped) this.drop();
    } catch (err) {
      this.s.logger.warn({ ...where, err }, 'IMAP poll failed; will retry');
      if (this.client === client) this.drop();
    }
  }

  private newClient(): ImapFlow {
    const where = imapWhere(this.inbox, this.settings);
    const client = createImapClient(this.s, this.settings, { idle: this.settings.idle });
    client.on('error', (err: Error) => {
      this.s.logger.warn({ ...where, err }, 'IMAP connection failed; the next tick reconnects');
      if (this.client === client) this.client = null;
    });
    client.on('close', () => {
      if (this.client === client) this.client = null;
    });
    // The server announces new mail while we IDLE on the mailbox. The poll starts outside the
    // event handler (a command issued from inside it waits on the IDLE it would have to end), and
    // a burst of announcements makes one poll.
    client.on('exists', (e: { count: number; prevCount: number }) => {
      if (e.count <= e.prevCount || this.idleTimer) return;
      this.idleTimer = setTimeout(() => {
        this.idleTimer = null;
        void this.tick('idle');
      }, 100);
    });
    return client;
  }

  private drop(): void {
    const c = this.client;
    this.client = null;
    // Closed, not logged out: a stalled server would never answer LOGOUT.
    c?.close();
  }
}
