import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

// The listening view pages through (status, posted_at, id) and (status, priority, id); the first
// (status, posted_at) index is a prefix of the former, read by nothing, and only cost each stored
// post one more index write.
export class ListeningDropPostedIndex1764000040300 implements MigrationInterface {
  name = 'ListeningDropPostedIndex1764000040300';

  async up(q: QueryRunner): Promise<void> {
    await q.dropIndex('listening_items', 'ix_listening_items_status_posted');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.createIndex('listening_items', new TableIndex({ name: 'ix_listening_items_status_posted', columnNames: ['status', 'posted_at'] }));
  }
}
