import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { TimeColumn } from './columns';

export const TICKET_STATUSES = ['new', 'open', 'pending', 'solved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];
export type Visibility = 'public' | 'private';
export type SnoozeMode = 'time' | 'reply';

// The ticket number shown to people (#1042) is its id.
@Entity('tickets')
export class Ticket {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar' }) subject!: string;
  @Column({ type: 'varchar' }) status!: TicketStatus;
  @Column({ type: 'varchar', default: 'normal' }) priority!: Priority;
  @Column({ type: 'varchar', default: 'private' }) visibility!: Visibility;
  @Column({ type: 'integer', name: 'requester_id' }) requesterId!: number;
  @Column({ type: 'integer', name: 'assignee_id', nullable: true }) assigneeId!: number | null;
  @Column({ type: 'integer', name: 'team_id', nullable: true }) teamId!: number | null;
  @Column({ type: 'integer', name: 'inbox_id' }) inboxId!: number;
  @Column({ type: 'varchar' }) channel!: string;
  // The platform's conversation key (DM id, chat id, root post) for social/API threads.
  @Column({ type: 'varchar', name: 'thread_key', nullable: true }) threadKey!: string | null;
  @Column({ type: 'varchar', nullable: true }) snippet!: string | null;
  @Column({ type: 'integer', name: 'message_count', default: 0 }) messageCount!: number;
  @Column({ type: 'integer', name: 'merged_into_id', nullable: true }) mergedIntoId!: number | null;
  @Column({ type: 'integer', name: 'follow_up_of_id', nullable: true }) followUpOfId!: number | null;
  @Column({ type: 'integer', name: 'accepted_message_id', nullable: true }) acceptedMessageId!: number | null;
  // Set (to the reason, e.g. "Auto-Submitted: auto-replied") when automatic mail opened this
  // ticket: it stays out of the triage views until an agent restores it.
  @Column({ type: 'varchar', nullable: true }) automatic!: string | null;
  // Snoozed tickets are out of the triage views: until `snoozedUntil` ('time') or until the
  // customer answers ('reply'); a customer's answer wakes either kind.
  @Column({ type: 'varchar', nullable: true }) snoozed!: SnoozeMode | null;
  @TimeColumn({ name: 'snoozed_until', nullable: true }) snoozedUntil!: number | null;
  @TimeColumn({ name: 'first_response_at', nullable: true }) firstResponseAt!: number | null;
  @TimeColumn({ name: 'solved_at', nullable: true }) solvedAt!: number | null;
  // The SLA policy that applies, its next due time (the soonest running target) and that target.
  @TimeColumn({ name: 'sla_due_at', nullable: true }) slaDueAt!: number | null;
  @Column({ type: 'integer', name: 'sla_policy_id', nullable: true }) slaPolicyId!: number | null;
  @Column({ type: 'varchar', name: 'sla_target', nullable: true }) slaTarget!: 'first_response' | 'next_response' | 'resolution' | null;
  @TimeColumn({ name: 'last_activity_at' }) lastActivityAt!: number;
  // When the status last changed (time rules: "pending for 8 business hours", "solved for 3 days").
  @TimeColumn({ name: 'status_changed_at', nullable: true }) statusChangedAt?: number | null;
  // Since an agent (or a rule) last answered while the customer has not written since.
  @TimeColumn({ name: 'awaiting_customer_since', nullable: true }) awaitingCustomerSince?: number | null;
  // Since the first thing the customer said after the last agent reply (cleared by a reply).
  @TimeColumn({ name: 'awaiting_agent_since', nullable: true }) awaitingAgentSince?: number | null;
  // What retention did to the ticket: 'attachments' (removed), 'anonymised'; null: nothing.
  @Column({ type: 'varchar', nullable: true }) retention?: 'attachments' | 'anonymised' | null;
  @TimeColumn({ name: 'created_at' }) createdAt!: number;
  @TimeColumn({ name: 'updated_at' }) updatedAt!: number;
}

@Entity('ticket_tags')
export class TicketTag {
  @Column({ type: 'integer', name: 'ticket_id', primary: true }) ticketId!: number;
  @Column({ type: 'varchar', primary: true }) tag!: string;
  // Shown on customer and public surfaces only when true (community topics); else staff-only.
  @Column({ type: 'boolean', name: 'is_public', default: false }) isPublic!: boolean;
}

@Entity('ticket_participants')
export class TicketParticipant {
  @Column({ type: 'integer', name: 'ticket_id', primary: true }) ticketId!: number;
  @Column({ type: 'integer', name: 'contact_id', primary: true }) contactId!: number;
  @Column({ type: 'varchar', default: 'cc' }) role!: string;
}
