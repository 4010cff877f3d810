import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

// Tamper-evident history: every message and TicketEvent gets a link in its ticket's hash chain.
// Rows written before this migration are sealed by `chorus archive:seal` (hashing a large
// archive belongs in a command with a progress bar, not in start-up).
export class ChainLinks1764000036000 implements MigrationInterface {
  name = 'ChainLinks1764000036000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'chain_links',
      columns: [
        { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
        { name: 'ticket_id', type: 'integer' },
        { name: 'seq', type: 'integer' },
        { name: 'subject_type', type: 'varchar' },
        { name: 'subject_id', type: 'integer' },
        { name: 'action', type: 'varchar' },
        { name: 'digest', type: 'varchar', length: '64' },
        { name: 'prev_hash', type: 'varchar', length: '64' },
        { name: 'hash', type: 'varchar', length: '64' },
        { name: 'created_at', type: 'bigint' },
      ],
      indices: [
        new TableIndex({ name: 'uq_chain_links_ticket_seq', columnNames: ['ticket_id', 'seq'], isUnique: true }),
        new TableIndex({ name: 'idx_chain_links_subject', columnNames: ['subject_type', 'subject_id'] }),
      ],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('chain_links');
  }
}
