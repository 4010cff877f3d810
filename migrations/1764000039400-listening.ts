import { MigrationInterface, QueryRunner, Table, TableIndex, TableUnique } from 'typeorm';

// Social listening: the streams an admin defines (one query on one platform, with its poll
// cursor and its last error), the posts they found (one row per platform post, whatever path
// brought it), and which stream matched which post with which query. The unique
// (platform, external_id) is what keeps a dismissed post dismissed on the next poll; the
// (stream_id, matched_at) index counts a stream's finds per day without reading the items.
export class Listening1764000039400 implements MigrationInterface {
  name = 'Listening1764000039400';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'listening_streams',
      columns: [
        { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
        { name: 'name', type: 'varchar' },
        { name: 'platform', type: 'varchar' },
        { name: 'query', type: 'text' },
        { name: 'settings', type: 'text', isNullable: true },
        { name: 'enabled', type: 'boolean', default: true },
        { name: 'poll_seconds', type: 'integer', default: 60 },
        { name: 'cursor', type: 'text', isNullable: true },
        { name: 'last_polled_at', type: 'bigint', isNullable: true },
        { name: 'last_error', type: 'text', isNullable: true },
        { name: 'next_poll_at', type: 'bigint', isNullable: true },
        { name: 'created_by', type: 'integer', isNullable: true },
        { name: 'created_at', type: 'bigint' },
        { name: 'updated_at', type: 'bigint' },
      ],
      indices: [new TableIndex({ name: 'ix_listening_streams_due', columnNames: ['enabled', 'next_poll_at'] })],
    }));
    await q.createTable(new Table({
      name: 'listening_items',
      columns: [
        { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
        { name: 'platform', type: 'varchar' },
        { name: 'external_id', type: 'varchar' },
        { name: 'author_id', type: 'varchar', isNullable: true },
        { name: 'author_handle', type: 'varchar', isNullable: true },
        { name: 'author_name', type: 'varchar', isNullable: true },
        { name: 'author_url', type: 'text', isNullable: true },
        { name: 'author_followers', type: 'integer', isNullable: true },
        { name: 'text', type: 'text' },
        { name: 'language', type: 'varchar', isNullable: true },
        { name: 'url', type: 'text', isNullable: true },
        { name: 'posted_at', type: 'bigint' },
        { name: 'found_at', type: 'bigint' },
        { name: 'sentiment', type: 'real', isNullable: true },
        { name: 'status', type: 'varchar', default: "'new'" },
        { name: 'ticket_id', type: 'integer', isNullable: true },
        { name: 'raw', type: 'text', isNullable: true },
        { name: 'updated_at', type: 'bigint' },
      ],
      uniques: [new TableUnique({ name: 'uq_listening_items_post', columnNames: ['platform', 'external_id'] })],
      indices: [
        new TableIndex({ name: 'ix_listening_items_status_posted', columnNames: ['status', 'posted_at'] }),
        new TableIndex({ name: 'ix_listening_items_ticket', columnNames: ['ticket_id'] }),
      ],
    }));
    await q.createTable(new Table({
      name: 'listening_item_matches',
      columns: [
        { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
        { name: 'item_id', type: 'integer' },
        { name: 'stream_id', type: 'integer' },
        { name: 'query', type: 'text' },
        { name: 'matched_at', type: 'bigint' },
      ],
      uniques: [new TableUnique({ name: 'uq_listening_match', columnNames: ['item_id', 'stream_id'] })],
      indices: [new TableIndex({ name: 'ix_listening_match_stream_day', columnNames: ['stream_id', 'matched_at'] })],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('listening_item_matches');
    await q.dropTable('listening_items');
    await q.dropTable('listening_streams');
  }
}
