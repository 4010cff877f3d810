import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { JsonColumn, TimeColumn } from './columns';

export type InboundState = 'received' | 'processed' | 'ignored' | 'failed';

// The ledger: one row per item a channel handed us, written before the sender is answered.
@Entity('inbound_items')
export class InboundItem {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'integer', name: 'inbox_id' }) inboxId!: number;
  @Column({ type: 'varchar' }) channel!: string;
  @Column({ type: 'varchar', name: 'idempotency_key' }) idempotencyKey!: string;
  @Column({ type: 'varchar' }) state!: InboundState;
  @Column({ type: 'text', nullable: true }) error!: string | null;
  // The transport payload as received (JSON, raw MIME…), enough to replay the item.
  @Column({ type: 'text' }) raw!: string;
  @Column({ type: 'varchar', name: 'raw_type' }) rawType!: string;
  @Column({ type: 'integer', name: 'ticket_id', nullable: true }) ticketId!: number | null;
  @Column({ type: 'integer', name: 'message_id', nullable: true }) messageId!: number | null;
  @JsonColumn() flags!: Record<string, any> | null;
  // Archived mail imported after the fact: no SLA clock, no automatic answer, no notification.
  @Column({ type: 'boolean', default: false }) historic!: boolean;
  @Column({ type: 'integer', default: 0 }) attempts!: number;
  @TimeColumn({ name: 'received_at' }) receivedAt!: number;
  @TimeColumn({ name: 'processed_at', nullable: true }) processedAt!: number | null;
  // Set when a worker claims the row; a claim younger than the lease keeps other workers off it.
  @TimeColumn({ name: 'claimed_at', nullable: true }) claimedAt!: number | null;
  // When the recovery sweep may retry a failed row; null: only a replay retries it.
  @TimeColumn({ name: 'retry_at', nullable: true }) retryAt!: number | null;
}
