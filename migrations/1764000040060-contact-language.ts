import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

// The language a customer is written to in, when an agent set it (null: chosen automatically
// from their browser or their last message).
export class ContactLanguage1764000040060 implements MigrationInterface {
  name = 'ContactLanguage1764000040060';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('contacts', new TableColumn({ name: 'language', type: 'varchar', length: '8', isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('contacts', 'language');
  }
}
