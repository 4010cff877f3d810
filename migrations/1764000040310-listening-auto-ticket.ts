import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';

// A stream's auto-ticket rule is decided once per (post, stream) match: auto_checked_at is set by
// the one node whose conditional UPDATE claims the match, so two nodes hearing the same post
// convert it once. Matches stored before rules ran count as decided (no old post turns into a
// ticket on upgrade). The partial index holds only undecided matches, for the sweep that picks
// up a post whose event was lost (a node stopped between the poll's commit and the rule).
export class ListeningAutoTicket1764000040310 implements MigrationInterface {
  name = 'ListeningAutoTicket1764000040310';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('listening_item_matches', new TableColumn({ name: 'auto_checked_at', type: 'bigint', isNullable: true }));
    await q.query('UPDATE listening_item_matches SET auto_checked_at = matched_at');
    await q.createIndex('listening_item_matches', new TableIndex({ name: 'ix_listening_match_unchecked', columnNames: ['matched_at'], where: 'auto_checked_at IS NULL' }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('listening_item_matches', 'ix_listening_match_unchecked');
    await q.dropColumn('listening_item_matches', 'auto_checked_at');
  }
}
