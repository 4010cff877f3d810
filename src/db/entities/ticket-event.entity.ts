import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { JsonColumn, TimeColumn } from './columns';

// What made an automatic change: a rule or a macro, by id and by the name it had then (a
// renamed or deleted rule still explains its old changes).
export interface EventCause {
  // sla: the policy whose clock a snooze paused or resumed.
  // retention: the retention policy that anonymised the ticket or removed its attachments.
  kind: 'rule' | 'macro' | 'guard' | 'sla' | 'erasure' | 'retention';
  id: number;
  name: string;
}

@Entity('ticket_events')
export class TicketEvent {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'integer', name: 'ticket_id' }) ticketId!: number;
  // 'created', 'status', 'priority', 'assigned', 'team', 'tag.added', 'tag.removed', 'audience', 'merged', 'split', …
  @Column({ type: 'varchar' }) type!: string;
  @Column({ type: 'varchar', name: 'actor_type' }) actorType!: 'agent' | 'contact' | 'system';
  @Column({ type: 'integer', name: 'actor_id', nullable: true }) actorId!: number | null;
  @JsonColumn() data!: Record<string, any> | null;
  @JsonColumn() cause!: EventCause | null;
  @TimeColumn({ name: 'created_at' }) createdAt!: number;
}
