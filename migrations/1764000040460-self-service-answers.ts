import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

// A visitor about to ask (the community's ask form or a web form) opened a suggested solved
// question and said it answered them: the question that never became a ticket. One row per
// answer, for the reports' community view; no text of what they typed is kept.
export class SelfServiceAnswers1764000040460 implements MigrationInterface {
  name = 'SelfServiceAnswers1764000040460';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'self_service_answers',
      columns: [
        { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
        { name: 'question_id', type: 'integer' },
        { name: 'source', type: 'varchar' },
        { name: 'inbox_id', type: 'integer', isNullable: true },
        { name: 'at', type: 'bigint' },
      ],
    }));
    await q.createIndex('self_service_answers', new TableIndex({ name: 'ix_self_service_answers_at', columnNames: ['at'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('self_service_answers');
  }
}
