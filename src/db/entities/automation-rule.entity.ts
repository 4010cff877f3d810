import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { JsonColumn, TimeColumn } from './columns';

// An ordered automation rule: when its trigger fires and every condition holds, its actions run
// (src/automation/rules). Trigger, conditions and actions are validated JSON (rule-schema.ts).
@Entity('automation_rules')
export class AutomationRule {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar' }) name!: string;
  @Column({ type: 'boolean', default: false }) enabled!: boolean;
  @Column({ type: 'integer', default: 0 }) position!: number;
  @Column({ type: 'varchar' }) trigger!: string;
  @JsonColumn({ name: 'trigger_config' }) triggerConfig!: Record<string, any> | null;
  @JsonColumn() conditions!: Record<string, any>[] | null;
  @JsonColumn() actions!: Record<string, any>[] | null;
  // Time rules: tickets that entered their state at or before this were all looked at.
  @TimeColumn({ name: 'swept_until', nullable: true }) sweptUntil!: number | null;
  @Column({ type: 'integer', name: 'created_by', nullable: true }) createdBy!: number | null;
  @TimeColumn({ name: 'created_at' }) createdAt!: number;
  @TimeColumn({ name: 'updated_at' }) updatedAt!: number;
}

// One time a rule ran on a ticket (or was stopped by the loop guard).
@Entity('automation_runs')
export class AutomationRun {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'integer', name: 'rule_id' }) ruleId!: number;
  @Column({ type: 'integer', name: 'ticket_id' }) ticketId!: number;
  @Column({ type: 'varchar' }) trigger!: string;
  @Column({ type: 'varchar', name: 'trigger_key', nullable: true }) triggerKey!: string | null;
  // 'done', or 'limited' when the hourly budget stopped it.
  @Column({ type: 'varchar' }) outcome!: string;
  @Column({ type: 'integer', default: 0 }) actions!: number;
  @JsonColumn() steps!: { summary: string; outcome: string; error?: string }[] | null;
  @TimeColumn({ name: 'created_at' }) createdAt!: number;
}
