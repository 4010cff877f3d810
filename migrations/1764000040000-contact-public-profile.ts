import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

// How a customer appears in public (community, public threads): a name and an avatar colour they
// chose themselves. Null until they choose; a neutral name stands in — never their address.
export class ContactPublicProfile1764000040000 implements MigrationInterface {
  name = 'ContactPublicProfile1764000040000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('contacts', new TableColumn({ name: 'display_name', type: 'varchar', isNullable: true }));
    await q.addColumn('contacts', new TableColumn({ name: 'avatar_color', type: 'varchar', isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('contacts', 'avatar_color');
    await q.dropColumn('contacts', 'display_name');
  }
}
