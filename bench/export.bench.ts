import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createChorus } from '../src/app';
import { hmacHex } from '../src/channels/signature';
import { loadConfig } from '../src/config';
import { agentRepository } from '../src/db/repositories/agent.repository';
import { blobRepository } from '../src/db/repositories/blob.repository';
import { messageRepository } from '../src/db/repositories/message.repository';
import { createAgent } from '../src/agents/create-agent';
import { createInbox } from '../src/inboxes/create-inbox';
import { createLogger } from '../src/logger';
import { addReply } from '../src/tickets/commands/add-reply';
import { envInt } from './util';

// One ticket of BENCH_EXPORT_MESSAGES messages carrying BENCH_EXPORT_MB of attachments, exported
// over HTTP as a streamed ZIP: peak RSS growth while it streams, and MB/s beside reading the same
// blobs from the database row by row (the bare floor of any export).
export async function benchExport() {
  const messages = envInt('BENCH_EXPORT_MESSAGES', 200, 2, 100_000);
  const mb = envInt('BENCH_EXPORT_MB', 50, 1, 10_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chorus-bench-export-'));
  const config = loadConfig({ CHORUS_DATA_DIR: dir, CHORUS_SECRET: 'bench-secret-0123456789', CHORUS_SMTP_ENABLED: 'false', LOG_LEVEL: 'silent', NODE_ENV: 'production' }, { readDotEnv: false });
  const chorus = await createChorus(config, { logger: createLogger('silent') });
  try {
    const port = await chorus.listen(0, '127.0.0.1');
    const inbox = await createInbox(chorus.s.db, Date.now(), { name: 'bench', channel: 'api' });
    const raw = JSON.stringify({ externalId: 'e-1', author: { id: 'u-1', name: 'Customer' }, subject: 'A long conversation', text: 'Hello. '.repeat(20) });
    const res = await fetch(`http://127.0.0.1:${port}/api/inboxes/${inbox.id}/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-chorus-signature': `sha256=${hmacHex(inbox.secret, Buffer.from(raw))}` }, body: raw });
    const ticketId = ((await res.json()) as { ticketId: number }).ticketId;
    const admin = (await agentRepository.list(chorus.s.db.m)).find((a) => a.role === 'admin') ?? await createAgent(chorus.s.db, Date.now(), { email: 'bench@chorus.test', name: 'Bench', password: 'bench-password', role: 'admin' });
    const viewer = { kind: 'agent' as const, agentId: admin.id, role: 'admin' as const, name: admin.name };
    const perFile = Math.ceil((mb * 2 ** 20) / (messages - 1));
    for (let i = 1; i < messages; i++) {
      await addReply(chorus.s.commands, viewer, ticketId, { audience: 'participants', text: `Answer ${i}. `.repeat(10), attachments: [{ filename: `file-${i}.bin`, contentType: 'application/octet-stream', content: randomBytes(perFile) }] });
    }
    const token = await chorus.s.sessions.createApiToken(admin.id, 'bench');

    // Bare: the same blobs read one row at a time.
    const atts = await messageRepository.attachmentsOf(chorus.s.db.m, (await messageRepository.listByTicket(chorus.s.db.m, ticketId)).map((x) => x.id));
    let t0 = process.hrtime.bigint();
    let bareBytes = 0;
    for (const a of atts) bareBytes += (await blobRepository.get(chorus.s.db.m, a.sha256))?.length ?? 0;
    const bareSecs = Number(process.hrtime.bigint() - t0) / 1e9;

    (globalThis as { gc?: () => void }).gc?.();
    const base = process.memoryUsage().rss;
    let peak = base;
    const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 10);
    t0 = process.hrtime.bigint();
    const zipRes = await fetch(`http://127.0.0.1:${port}/api/tickets/${ticketId}/export`, { headers: { authorization: `Bearer ${token}` } });
    let zipBytes = 0;
    for await (const chunk of zipRes.body as unknown as AsyncIterable<Uint8Array>) zipBytes += chunk.length;
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    clearInterval(sampler);
    return {
      messages, attachmentMb: bareBytes / 2 ** 20, zipMb: zipBytes / 2 ** 20, secs, mbPerSec: zipBytes / 2 ** 20 / secs,
      peakRssGrowthMb: (peak - base) / 2 ** 20, bareMbPerSec: bareBytes / 2 ** 20 / bareSecs, status: zipRes.status,
    };
  } finally {
    await chorus.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
