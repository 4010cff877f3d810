import { MigrationInterface, QueryRunner, Table } from 'typeorm';

// Without an outgoing relay (SMTP_URL), Chorus keeps every e-mail it would have sent in the
// database, for admins to open in the app: every node of a cluster sees the same mail.
export class MailPreviews1764000011200 implements MigrationInterface {
  name = 'MailPreviews1764000011200';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'mail_previews',
      columns: [
        { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
        { name: 'recipients', type: 'text' },
        { name: 'subject', type: 'text' },
        { name: 'message_id', type: 'varchar', isNullable: true },
        { name: 'raw', type: 'text' },
        { name: 'created_at', type: 'bigint' },
      ],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('mail_previews', true);
  }
}
