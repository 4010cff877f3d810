import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { TimeColumn } from './columns';

@Entity('votes')
export class Vote {
  @PrimaryColumn({ type: 'integer', name: 'message_id' }) messageId!: number;
  @PrimaryColumn({ type: 'integer', name: 'contact_id' }) contactId!: number;
  // +1 or -1.
  @Column({ type: 'integer' }) value!: number;
  @TimeColumn({ name: 'created_at' }) createdAt!: number;
}

@Entity('flags')
export class Flag {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'integer', name: 'message_id' }) messageId!: number;
  @Column({ type: 'integer', name: 'contact_id' }) contactId!: number;
  @Column({ type: 'varchar' }) reason!: string;
  @TimeColumn({ name: 'created_at' }) createdAt!: number;
  @TimeColumn({ name: 'resolved_at', nullable: true }) resolvedAt!: number | null;
  @Column({ type: 'varchar', nullable: true }) resolution!: string | null;
}

// A suggested solved question that answered a visitor before they asked (migration 1764000040460).
@Entity('self_service_answers')
export class SelfServiceAnswer {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'integer', name: 'question_id' }) questionId!: number;
  // 'community' (the ask form) or 'webform'.
  @Column({ type: 'varchar' }) source!: string;
  @Column({ type: 'integer', name: 'inbox_id', nullable: true }) inboxId!: number | null;
  @TimeColumn() at!: number;
}
