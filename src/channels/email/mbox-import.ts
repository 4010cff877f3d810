import fs from 'node:fs';
import readline from 'node:readline';
import type { Inbox } from '../../db/entities';
import type { Services } from '../../services';
import { unfinished } from '../../ingest/steps/010-record';
import { EMAIL_RAW_TYPE, emailIdempotencyKey } from './email-key';

export interface ImportProgress {
  bytes: number;
  totalBytes: number;
  messages: number;
  stored: number;
  duplicates: number;
  failed: number;
}

// Reads an mbox archive message by message ("From " separator lines; mboxrd ">From " unquoted)
// and sends each through the same ledger and pipeline as live mail, in file order so replies
// thread onto the tickets their originals opened. Running it twice stores nothing twice.
export async function importMbox(s: Services, inbox: Inbox, file: string, onProgress: (p: ImportProgress) => void = () => {}): Promise<ImportProgress> {
  const totalBytes = fs.statSync(file).size;
  const p: ImportProgress = { bytes: 0, totalBytes, messages: 0, stored: 0, duplicates: 0, failed: 0 };
  const rl = readline.createInterface({ input: fs.createReadStream(file, { encoding: 'latin1' }), crlfDelay: Infinity });
  let lines: string[] | null = null;
  const flush = async () => {
    if (!lines) return;
    while (lines.length && lines[lines.length - 1] === '') lines.pop();
    const raw = lines.join('\r\n') + '\r\n';
    lines = null;
    p.messages++;
    const [r] = await s.ingest.record(inbox, [{ key: emailIdempotencyKey(Buffer.from(raw, 'latin1')), raw, rawType: EMAIL_RAW_TYPE, historic: true }]);
    if (!unfinished(r)) p.duplicates++;
    else {
      const done = await s.ingest.process(r.id);
      if (done.state === 'failed') p.failed++;
      else p.stored++;
    }
    onProgress(p);
  };
  for await (const line of rl) {
    p.bytes += Buffer.byteLength(line, 'latin1') + 1;
    if (line.startsWith('From ')) {
      await flush();
      lines = [];
      continue;
    }
    if (lines === null) continue;
    lines.push(/^>+From /.test(line) ? line.slice(1) : line);
  }
  await flush();
  p.bytes = totalBytes;
  onProgress(p);
  return p;
}
