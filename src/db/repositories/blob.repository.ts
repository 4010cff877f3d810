import { createHash } from 'node:crypto';
import { EntityManager } from 'typeorm';

// Content-addressed file store in the database itself, so every node of a cluster reads the
// same bytes without a shared disk. The same file attached twice is stored once.
export const blobRepository = {
  sha256(data: Buffer): string {
    return createHash('sha256').update(data).digest('hex');
  },

  async put(m: EntityManager, data: Buffer): Promise<string> {
    const sha = this.sha256(data);
    await m.query(
      `INSERT INTO blobs (sha256, data, size) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING`.replace(
        /\$\d/g,
        m.connection.options.type === 'postgres' ? (s) => s : () => '?',
      ),
      [sha, data, data.length],
    );
    return sha;
  },

  async get(m: EntityManager, sha: string): Promise<Buffer | null> {
    const isPg = m.connection.options.type === 'postgres';
    const rows = await m.query(`SELECT data FROM blobs WHERE sha256 = ${isPg ? '$1' : '?'}`, [sha]);
    return rows[0] ? Buffer.from(rows[0].data) : null;
  },
};
