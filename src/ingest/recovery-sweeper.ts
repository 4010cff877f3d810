import type { Logger } from '../logger';
import type { IngestPipeline } from './pipeline';

// Continuous recovery (DESIGN §4): every few seconds, on every node, rows whose claim lease
// expired — a crash between the answer to the sender and the end of processing — are processed,
// and failed rows whose retry time came are tried again. Ticks never overlap; a node that is
// still busy with a long backlog skips the tick and says so.
export class RecoverySweeper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly ingest: IngestPipeline, private readonly logger: Logger, private readonly intervalMs: number) {}

  start(): void {
    this.stopped = false;
    this.schedule(Math.min(this.intervalMs, 1000));
  }

  // Runs one pass now (tests, and the first tick after start).
  async sweep(): Promise<void> {
    if (this.running) {
      this.logger.debug('ingest recovery still running; tick skipped');
      return this.running;
    }
    this.running = (async () => {
      try {
        const r = await this.ingest.recover({ stopped: () => this.stopped });
        if (r.seen) this.logger.info({ recovered: r.seen, byState: r.byState }, 'ingest recovery processed items left unfinished');
      } catch (err) {
        this.logger.error({ err }, 'ingest recovery failed; will try again');
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    // A little jitter keeps the nodes of a cluster from sweeping in lockstep.
    this.timer = setTimeout(() => void this.sweep().finally(() => this.schedule(this.intervalMs)), ms * (0.8 + Math.random() * 0.4));
    this.timer.unref();
  }
}
