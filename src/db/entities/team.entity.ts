import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { TimeColumn } from './columns';

@Entity('teams')
export class Team {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar' }) name!: string;
  // Business hours for the team's tickets; wins over the inbox's calendar.
  @Column({ type: 'integer', name: 'calendar_id', nullable: true }) calendarId!: number | null;
  @TimeColumn({ name: 'created_at' }) createdAt!: number;
}

@Entity('team_members')
export class TeamMember {
  @PrimaryColumn({ type: 'integer', name: 'team_id' }) teamId!: number;
  @PrimaryColumn({ type: 'integer', name: 'agent_id' }) agentId!: number;
}
