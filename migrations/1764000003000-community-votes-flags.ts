import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

// Community: one vote per member per post, and flags waiting for a moderator.
export class CommunityVotesFlags1764000003000 implements MigrationInterface {
  name = 'CommunityVotesFlags1764000003000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'votes',
      columns: [
        { name: 'message_id', type: 'integer', isPrimary: true },
        { name: 'contact_id', type: 'integer', isPrimary: true },
        { name: 'value', type: 'integer' },
        { name: 'created_at', type: 'bigint' },
      ],
    }));
    await q.createTable(new Table({
      name: 'flags',
      columns: [
        { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
        { name: 'message_id', type: 'integer' },
        { name: 'contact_id', type: 'integer' },
        { name: 'reason', type: 'varchar' },
        { name: 'created_at', type: 'bigint' },
        { name: 'resolved_at', type: 'bigint', isNullable: true },
        { name: 'resolution', type: 'varchar', isNullable: true },
      ],
      indices: [new TableIndex({ name: 'uq_flags_message_contact', columnNames: ['message_id', 'contact_id'], isUnique: true }), new TableIndex({ name: 'ix_flags_open', columnNames: ['resolved_at', 'id'] })],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('flags');
    await q.dropTable('votes');
  }
}
