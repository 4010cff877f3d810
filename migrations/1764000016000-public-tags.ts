import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

// Tags are staff information unless marked public (a community topic chosen by the asker, or
// one an agent marks public). Existing tags stay staff-only: nothing becomes public by upgrade.
export class PublicTags1764000016000 implements MigrationInterface {
  name = 'PublicTags1764000016000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('ticket_tags', new TableColumn({ name: 'is_public', type: 'boolean', isNullable: false, default: 'false' }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('ticket_tags', 'is_public');
  }
}
