import { MigrationInterface, QueryRunner, Table } from 'typeorm';

// Where each inbox's IMAP poller stands: the mailbox's UIDVALIDITY and the last UID stored.
export class ImapSyncState1764000001800 implements MigrationInterface {
  name = 'ImapSyncState1764000001800';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'imap_sync_state',
      columns: [
        { name: 'inbox_id', type: 'integer', isPrimary: true },
        { name: 'mailbox', type: 'varchar', isPrimary: true },
        { name: 'uid_validity', type: 'varchar' },
        { name: 'last_uid', type: 'bigint' },
        { name: 'updated_at', type: 'bigint' },
      ],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('imap_sync_state', true);
  }
}
