import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { TimeColumn } from './columns';

// scheduled: waits for the inbox's delay; sent: the requester was asked (rated once they answer);
// skipped: never sent, `skipReason` says why (reopened meanwhile, asked recently, no way to ask).
export const CSAT_STATES = ['scheduled', 'sent', 'skipped'] as const;
export type CsatState = (typeof CSAT_STATES)[number];

// 3 good, 2 okay, 1 bad: the value a csat reporting fact carries.
export const CSAT_SCORES = { good: 3, okay: 2, bad: 1 } as const;
export type CsatScoreName = keyof typeof CSAT_SCORES;

// One satisfaction request per ticket solve (unique on ticket and solve time).
@Entity('csat_surveys')
export class CsatSurvey {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'integer', name: 'ticket_id' }) ticketId!: number;
  @Column({ type: 'integer', name: 'contact_id' }) contactId!: number;
  @Column({ type: 'integer', name: 'inbox_id' }) inboxId!: number;
  @Column({ type: 'varchar', length: 32 }) channel!: string;
  // The assignee, else the agent who replied last, when the survey went out.
  @Column({ type: 'integer', name: 'agent_id', nullable: true }) agentId!: number | null;
  @TimeColumn({ name: 'solved_at' }) solvedAt!: number;
  @TimeColumn({ name: 'due_at' }) dueAt!: number;
  @Column({ type: 'varchar', length: 16 }) state!: CsatState;
  @Column({ type: 'varchar', length: 200, name: 'skip_reason', nullable: true }) skipReason!: string | null;
  // How the requester was asked: e.g. "email,web" or "social.telegram,web".
  @Column({ type: 'varchar', length: 100, nullable: true }) via!: string | null;
  @TimeColumn({ name: 'sent_at', nullable: true }) sentAt!: number | null;
  @TimeColumn({ name: 'expires_at', nullable: true }) expiresAt!: number | null;
  @Column({ type: 'integer', nullable: true }) score!: number | null;
  @Column({ type: 'text', nullable: true }) comment!: string | null;
  // First answer; a changed mind moves `updatedAt` only.
  @TimeColumn({ name: 'rated_at', nullable: true }) ratedAt!: number | null;
  @TimeColumn({ name: 'updated_at', nullable: true }) updatedAt!: number | null;
  @TimeColumn({ name: 'created_at' }) createdAt!: number;
}
