import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { TimeColumn } from './columns';

export type AgentRole = 'admin' | 'agent';
// null: follow the device's prefers-color-scheme.
export type AgentTheme = 'light' | 'dark';
export const AGENT_THEMES = ['light', 'dark'] as const;

@Entity('agents')
export class Agent {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar' }) email!: string;
  @Column({ type: 'varchar' }) name!: string;
  @Column({ type: 'varchar', name: 'password_hash', nullable: true }) passwordHash!: string | null;
  @Column({ type: 'varchar' }) role!: AgentRole;
  @Column({ type: 'boolean', default: false }) away!: boolean;
  @Column({ type: 'integer', name: 'max_open', nullable: true }) maxOpen!: number | null;
  @Column({ type: 'boolean', default: true }) active!: boolean;
  @Column({ type: 'varchar', nullable: true }) theme!: AgentTheme | null;
  // The language of the agent app chosen by the agent (a LOCALES code); null: their browser's.
  @Column({ type: 'varchar', length: 8, nullable: true }) locale!: string | null;
  @TimeColumn({ name: 'last_assigned_at', nullable: true }) lastAssignedAt!: number | null;
  @TimeColumn({ name: 'created_at' }) createdAt!: number;
}
