import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { TimeColumn } from './columns';

export const HOLD_SCOPES = ['ticket', 'contact', 'inbox'] as const;
export type HoldScope = (typeof HOLD_SCOPES)[number];

// A legal hold keeps its target (a ticket, everything of a contact, or a whole inbox) from every
// deletion until it is released. Active while releasedAt is null; released rows stay as the
// audit of who held what, when and why.
@Entity('legal_holds')
@Index('idx_legal_holds_target', ['scope', 'targetId', 'releasedAt'])
export class LegalHold {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar' }) scope!: HoldScope;
  @Column({ type: 'integer', name: 'target_id' }) targetId!: number;
  @Column({ type: 'varchar' }) reason!: string;
  @Column({ type: 'integer', name: 'created_by', nullable: true }) createdBy!: number | null;
  @TimeColumn({ name: 'created_at' }) createdAt!: number;
  @TimeColumn({ name: 'released_at', nullable: true }) releasedAt!: number | null;
  @Column({ type: 'integer', name: 'released_by', nullable: true }) releasedBy!: number | null;
  @Column({ type: 'varchar', name: 'release_reason', nullable: true }) releaseReason!: string | null;
}
