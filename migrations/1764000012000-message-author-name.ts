import { MigrationInterface, QueryRunner } from 'typeorm';

// Each message keeps the display name its author arrived with, so a later mail under another
// name does not rename what was written before. Plain ALTER TABLE (valid on SQLite and Postgres)
// because TypeORM's addColumn rebuilds a SQLite table, which would drop the search triggers on it.
export class MessageAuthorName1764000012000 implements MigrationInterface {
  name = 'MessageAuthorName1764000012000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE messages ADD COLUMN author_name varchar(200)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE messages DROP COLUMN author_name');
  }
}
