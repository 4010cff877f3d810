import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { JsonColumn, TimeColumn } from './columns';
import type { Priority, Visibility } from './ticket.entity';

export const SLA_TARGETS = ['first_response', 'next_response', 'resolution'] as const;
export type SlaTarget = (typeof SLA_TARGETS)[number];

// Every listed condition must hold; within one list any value matches (inbox A or B).
export interface SlaConditions {
  inboxIds?: number[];
  channels?: string[];
  priorities?: Priority[];
  tags?: string[];
  minReach?: number;
  visibility?: Visibility;
}

@Entity('sla_policies')
export class SlaPolicy {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar' }) name!: string;
  // Lower first: the first enabled policy whose conditions hold applies.
  @Column({ type: 'integer' }) position!: number;
  @Column({ type: 'boolean', default: true }) enabled!: boolean;
  @JsonColumn({ nullable: false }) conditions!: SlaConditions;
  @Column({ type: 'integer', name: 'first_response_minutes', nullable: true }) firstResponseMinutes!: number | null;
  @Column({ type: 'integer', name: 'next_response_minutes', nullable: true }) nextResponseMinutes!: number | null;
  @Column({ type: 'integer', name: 'resolution_minutes', nullable: true }) resolutionMinutes!: number | null;
  // 0: no warning, only the breach.
  @Column({ type: 'integer', name: 'warn_before_minutes', default: 0 }) warnBeforeMinutes!: number;
  // Count the ticket's business hours (team or inbox calendar) rather than wall-clock time.
  @Column({ type: 'boolean', name: 'business_hours', default: true }) businessHours!: boolean;
  @TimeColumn({ name: 'created_at' }) createdAt!: number;
  @TimeColumn({ name: 'updated_at' }) updatedAt!: number;
}

// One target's running account: business time spent while the clock ran, and its due time
// while it runs (null while paused). Warned/breached are set once and stay.
// warnedFor: the due time the warning was given for (a pause that moves it out re-arms it).
export interface TargetClock { startedAt: number; spentMs: number; targetMs: number; dueAt: number | null; warned?: boolean; warnedFor?: number; breached?: boolean }
// pausedBy/pausedAt: the clock stands still for a reason its status does not show (a snooze), since when.
export interface SlaClockState { at: number; running: boolean; policyId: number | null; targets: Partial<Record<SlaTarget, TargetClock>>; pausedBy?: 'snooze'; pausedAt?: number }

@Entity('ticket_sla_clocks')
export class TicketSlaClock {
  @PrimaryColumn({ type: 'integer', name: 'ticket_id' }) ticketId!: number;
  @JsonColumn({ nullable: false }) state!: SlaClockState | null;
  @TimeColumn({ name: 'alert_at', nullable: true }) alertAt!: number | null;
}
