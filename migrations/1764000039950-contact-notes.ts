import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

// What agents keep about a contact beside the identities: free notes and custom fields
// (a JSON list of { key, value }), edited on the contact page. Staff information only.
export class ContactNotes1764000039950 implements MigrationInterface {
  name = 'ContactNotes1764000039950';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('contacts', new TableColumn({ name: 'notes', type: 'text', isNullable: true }));
    await q.addColumn('contacts', new TableColumn({ name: 'custom_fields', type: 'text', isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('contacts', 'custom_fields');
    await q.dropColumn('contacts', 'notes');
  }
}
