import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { TimeColumn } from './columns';

// An agent's own inbox view: the filters are kept as the inbox's query string, so a saved
// view is exactly the page the agent was looking at when they saved it.
@Entity('saved_views')
export class SavedView {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'integer', name: 'agent_id' }) agentId!: number;
  @Column({ type: 'varchar' }) name!: string;
  @Column({ type: 'varchar' }) query!: string;
  @TimeColumn({ name: 'created_at' }) createdAt!: number;
}
