import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { JsonColumn, TimeColumn } from './columns';

export type ErasureMode = 'redact' | 'delete';
export type ErasureState = 'done' | 'refused';

// A request to forget a contact, and what came of it. Holds no personal value: the contact is
// named by id only, and the counts say how much was removed.
@Entity('erasure_requests')
export class ErasureRequest {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'integer', name: 'contact_id' }) contactId!: number;
  @Column({ type: 'varchar', length: 16 }) mode!: ErasureMode;
  @Column({ type: 'varchar', length: 16 }) state!: ErasureState;
  @Column({ type: 'varchar', length: 500, nullable: true }) reason!: string | null;
  // Why it was refused (a legal hold names itself here).
  @Column({ type: 'varchar', length: 500, name: 'refusal', nullable: true }) refusal!: string | null;
  @Column({ type: 'integer', name: 'requested_by', nullable: true }) requestedBy!: number | null;
  @JsonColumn() counts!: Record<string, number> | null;
  @TimeColumn({ name: 'created_at' }) createdAt!: number;
}
