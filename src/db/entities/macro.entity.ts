import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Action } from '../../automation/actions/action-schema';
import { JsonColumn, TimeColumn } from './columns';

// A named list of actions an agent applies to a ticket in one click (page, bulk bar, API).
@Entity('macros')
export class Macro {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar' }) name!: string;
  @Column({ type: 'varchar', nullable: true }) description!: string | null;
  @JsonColumn({ nullable: false }) actions!: Action[];
  @Column({ type: 'integer', name: 'created_by', nullable: true }) createdBy!: number | null;
  @TimeColumn({ name: 'created_at' }) createdAt!: number;
  @TimeColumn({ name: 'updated_at' }) updatedAt!: number;
}
