import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { JsonColumn, TimeColumn } from './columns';

export const RETENTION_ACTIONS = ['delete', 'anonymise', 'attachments'] as const;
export type RetentionAction = (typeof RETENTION_ACTIONS)[number];
// What retention already did to a ticket (tickets.retention): a later, stronger policy still
// takes it (attachments → anonymise → delete), the same one never twice.
export type TicketRetention = 'attachments' | 'anonymised' | null;

// Tickets closed more than `months` months ago: deleted, anonymised, or stripped of their
// attachments. Global policies cover the inboxes that have no enabled policy of their own.
@Entity('retention_policies')
export class RetentionPolicy {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar' }) scope!: 'global' | 'inbox';
  @Column({ type: 'integer', name: 'inbox_id', nullable: true }) inboxId!: number | null;
  @Column({ type: 'integer' }) months!: number;
  @Column({ type: 'varchar' }) action!: RetentionAction;
  @Column({ type: 'boolean', default: true }) enabled!: boolean;
  @Column({ type: 'integer', name: 'created_by', nullable: true }) createdBy!: number | null;
  @TimeColumn({ name: 'created_at' }) createdAt!: number;
  @TimeColumn({ name: 'updated_at' }) updatedAt!: number;
}

// What one sweep of one policy removed: the proof kept after the tickets are gone. chainHeads
// holds each deleted ticket's last chain hash, so an exported copy can be matched to it.
@Entity('retention_runs')
export class RetentionRun {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'integer', name: 'policy_id' }) policyId!: number;
  // The policy as it read then ("Inbox Help: delete after 24 months").
  @Column({ type: 'text' }) policy!: string;
  @Column({ type: 'varchar' }) action!: RetentionAction;
  @TimeColumn({ name: 'started_at' }) startedAt!: number;
  @TimeColumn({ name: 'finished_at' }) finishedAt!: number;
  @Column({ type: 'integer', default: 0 }) tickets!: number;
  @Column({ type: 'integer', default: 0 }) messages!: number;
  @Column({ type: 'integer', default: 0 }) attachments!: number;
  @Column({ type: 'integer', default: 0 }) blobs!: number;
  // Tickets past the cut-off left alone because a legal hold covers them.
  @Column({ type: 'integer', default: 0 }) held!: number;
  @JsonColumn({ name: 'ticket_ids', nullable: false }) ticketIds!: number[];
  @JsonColumn({ name: 'chain_heads' }) chainHeads!: Record<string, string> | null;
  // The run stopped at its bound with more to do: the next one goes on.
  @Column({ type: 'boolean', default: false }) more!: boolean;
}
