import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { TimeColumn } from './columns';

export const REPORT_FACT_KINDS = [
  'ticket_created', 'first_response', 'agent_reply', 'customer_reply', 'note', 'community_answer',
  'answer_accepted', 'status_changed', 'assigned', 'public_answer_wait', 'csat',
  // A satisfaction survey went out (csat: its answer, at the same time; value 3 good, 2 okay, 1 bad).
  'csat_sent',
  // An agent was @mentioned (agent_id: who, message_id: the mentioning message); answered when
  // that agent next writes on the ticket (same agent and message, wall_ms: the time it took).
  'mention', 'mention_answered',
  // One per SLA target a ticket finished: status_from = the target, status_to = met | breached,
  // wall_ms / business_ms = time it ran (pauses excluded from business_ms), value = target minutes.
  'sla_outcome',
] as const;
export type ReportFactKind = (typeof REPORT_FACT_KINDS)[number];

// One row per thing reports count; the schema is shared with the report queries
// (see the reports read repository), so columns mean the same for every kind.
@Entity('report_facts')
export class ReportFact {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar', length: 32 }) kind!: ReportFactKind;
  @TimeColumn() at!: number;
  @Column({ type: 'integer', name: 'ticket_id' }) ticketId!: number;
  @Column({ type: 'integer', name: 'inbox_id' }) inboxId!: number;
  @Column({ type: 'varchar', length: 32 }) channel!: string;
  @Column({ type: 'integer', name: 'team_id', nullable: true }) teamId!: number | null;
  @Column({ type: 'integer', name: 'agent_id', nullable: true }) agentId!: number | null;
  @Column({ type: 'integer', name: 'contact_id', nullable: true }) contactId!: number | null;
  @Column({ type: 'varchar', length: 16 }) visibility!: string;
  @Column({ type: 'varchar', length: 16, nullable: true }) audience!: string | null;
  @Column({ type: 'varchar', length: 16, name: 'status_from', nullable: true }) statusFrom!: string | null;
  @Column({ type: 'varchar', length: 16, name: 'status_to', nullable: true }) statusTo!: string | null;
  // How long the fact measured (first response, resolution, a public post's wait).
  @TimeColumn({ name: 'wall_ms', nullable: true }) wallMs!: number | null;
  // Same in business time; null until business-hour calendars exist.
  @TimeColumn({ name: 'business_ms', nullable: true }) businessMs!: number | null;
  // Followers of the author who waited (public posts).
  @Column({ type: 'integer', nullable: true }) reach!: number | null;
  // CSAT score; 1 on the first community answer of a question.
  @Column({ type: 'real', nullable: true }) value!: number | null;
  @Column({ type: 'integer', name: 'message_id', nullable: true }) messageId!: number | null;
}
