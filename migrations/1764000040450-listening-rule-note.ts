import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

// When a stream's auto-ticket rule matched a post but could not make it a ticket (no inbox can
// answer that platform, the post was dismissed meanwhile), the reason is kept on the match and
// shown beside the post, so the agent who finds it in the view knows why the machine left it.
export class ListeningRuleNote1764000040450 implements MigrationInterface {
  name = 'ListeningRuleNote1764000040450';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('listening_item_matches', new TableColumn({ name: 'auto_note', type: 'text', isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('listening_item_matches', 'auto_note');
  }
}
