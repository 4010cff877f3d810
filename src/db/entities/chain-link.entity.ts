import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { TimeColumn } from './columns';

export type ChainSubject = 'message' | 'event';
// added: the row was written; moved: a message came over from another ticket (merge, split);
// redacted: part of its content was removed on purpose (the new content's digest is the link's).
export type ChainAction = 'added' | 'moved' | 'redacted';

// One link of a ticket's tamper-evident history: each names a message or TicketEvent by the
// digest of its content, and hashes the link before it (see src/archive/chain/chain-digest.ts).
@Entity('chain_links')
@Index('uq_chain_links_ticket_seq', ['ticketId', 'seq'], { unique: true })
@Index('idx_chain_links_subject', ['subjectType', 'subjectId'])
export class ChainLink {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'integer', name: 'ticket_id' }) ticketId!: number;
  @Column({ type: 'integer' }) seq!: number;
  @Column({ type: 'varchar', name: 'subject_type' }) subjectType!: ChainSubject;
  @Column({ type: 'integer', name: 'subject_id' }) subjectId!: number;
  @Column({ type: 'varchar' }) action!: ChainAction;
  @Column({ type: 'varchar', length: 64 }) digest!: string;
  @Column({ type: 'varchar', length: 64, name: 'prev_hash' }) prevHash!: string;
  @Column({ type: 'varchar', length: 64 }) hash!: string;
  @TimeColumn({ name: 'created_at' }) createdAt!: number;
}
