import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

// Each message keeps the display name its author arrived with, so a later mail under another
// name does not rename what was written before.
export class MessageAuthorName1764000012000 implements MigrationInterface {
  name = 'MessageAuthorName1764000012000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('messages', new TableColumn({ name: 'author_name', type: 'varchar', isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('messages', 'author_name');
  }
}
