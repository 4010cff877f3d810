import { MigrationInterface, QueryRunner } from 'typeorm';

// The Postgres socket.io adapter keeps large packets in this table. Created here, under the
// migration lock, rather than by each node at start (two nodes racing on CREATE TABLE IF NOT
// EXISTS can both try to create it, and one fails).
export class SocketIoAttachments1764000019100 implements MigrationInterface {
  name = 'SocketIoAttachments1764000019100';

  async up(q: QueryRunner): Promise<void> {
    if (q.connection.driver.options.type !== 'postgres') return;
    await q.query('CREATE TABLE IF NOT EXISTS socket_io_attachments (id bigserial UNIQUE, created_at timestamptz DEFAULT NOW(), payload bytea)');
  }

  async down(q: QueryRunner): Promise<void> {
    if (q.connection.driver.options.type !== 'postgres') return;
    await q.query('DROP TABLE IF EXISTS socket_io_attachments');
  }
}
