import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';

// The listening view's "by priority" order: the author's reach, tripled when the post reads
// negative, kept on the row (written with followers and sentiment) so the view pages through an
// index at 100,000 posts instead of computing and sorting every new post per request.
export class ListeningPriority1764000039900 implements MigrationInterface {
  name = 'ListeningPriority1764000039900';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('listening_items', new TableColumn({ name: 'priority', type: 'bigint', default: 0 }));
    await q.query('UPDATE listening_items SET priority = COALESCE(author_followers, 0) * (CASE WHEN sentiment < 0 THEN 3 ELSE 1 END)');
    await q.createIndex('listening_items', new TableIndex({ name: 'ix_listening_items_status_priority', columnNames: ['status', 'priority', 'id'] }));
    await q.createIndex('listening_items', new TableIndex({ name: 'ix_listening_items_status_posted_id', columnNames: ['status', 'posted_at', 'id'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('listening_items', 'ix_listening_items_status_posted_id');
    await q.dropIndex('listening_items', 'ix_listening_items_status_priority');
    await q.dropColumn('listening_items', 'priority');
  }
}
