import { Worker } from 'node:worker_threads';

// SQLite in WAL mode copies the log back into the database file (a checkpoint, with an fsync)
// inside whichever COMMIT crosses 1,000 pages of log. better-sqlite3 is synchronous, so that
// commit holds the event loop for the copy and the fsync: 10–45 ms, every twenty commits or so
// while tickets pour in (a new ticket writes ~50 pages). A worker thread with its own connection
// checkpoints instead (PASSIVE: it never waits for, nor blocks, the writer), so the copying and
// syncing happen beside the loop. The writer keeps SQLite's own checkpoint as the fallback, at a
// higher mark, should the worker fall behind or stop.
export const FALLBACK_AUTOCHECKPOINT_PAGES = 20_000;

// Runs in the worker (eval'd, so it needs no built file): the driver is handed over by path.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 0');
const tick = () => {
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ checkpointed: r ? r.checkpointed : 0 });
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.message || err) });
  }
};
const timer = setInterval(tick, workerData.everyMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  // Log pages the worker's latest checkpoint had copied into the file (the log's frames so far).
  copied(): number;
  stop(): Promise<void>;
}

export function startCheckpointer(file: string, everyMs: number, onError: (message: string) => void): Checkpointer {
  const worker = new Worker(WORKER, { eval: true, workerData: { file, everyMs, driver: require.resolve('better-sqlite3') } });
  // A failing checkpoint is reported once per kind, not every tick; the writer's fallback keeps the log bounded.
  const reported = new Set<string>();
  let copied = 0;
  worker.on('message', (m: { error?: string; checkpointed?: number }) => {
    if (typeof m.checkpointed === 'number') copied = m.checkpointed;
    if (m.error && !reported.has(m.error)) {
      reported.add(m.error);
      onError(m.error);
    }
  });
  worker.on('error', (err) => onError(err.message));
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    copied: () => copied,
    async stop() {
      worker.postMessage('stop');
      const late = setTimeout(() => void worker.terminate(), 5_000);
      await exited;
      clearTimeout(late);
    },
  };
}
