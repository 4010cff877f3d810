import { createHash } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { binder } from './plain-rows';

// Content-addressed file store in the database itself, so every node of a cluster reads the
// same bytes without a shared disk. The same file attached twice is stored once.
export const blobRepository = {
  sha256(data: Buffer): string {
    return createHash('sha256').update(data).digest('hex');
  },

  async put(m: EntityManager, data: Buffer): Promise<string> {
    const sha = this.sha256(data);
    const { bind, params } = binder(m);
    await m.query(`INSERT INTO blobs (sha256, data, size) VALUES (${bind(sha)}, ${bind(data)}, ${bind(data.length)}) ON CONFLICT (sha256) DO NOTHING`, params);
    return sha;
  },

  async get(m: EntityManager, sha: string): Promise<Buffer | null> {
    const { bind, params } = binder(m);
    const rows = await m.query(`SELECT data FROM blobs WHERE sha256 = ${bind(sha)}`, params);
    return rows[0] ? Buffer.from(rows[0].data) : null;
  },
};
