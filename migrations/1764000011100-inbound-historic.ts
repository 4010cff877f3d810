import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

// A ledger row can be historic: archived mail imported after the fact (import:mbox). It is stored
// and threaded like live mail but starts no SLA clock and no automatic answer or notification,
// whichever node or process processes it.
export class InboundHistoric1764000011100 implements MigrationInterface {
  name = 'InboundHistoric1764000011100';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('inbound_items', new TableColumn({ name: 'historic', type: 'boolean', isNullable: false, default: 'false' }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('inbound_items', 'historic');
  }
}
