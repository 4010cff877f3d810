import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { TimeColumn } from './columns';

@Entity('api_tokens')
export class ApiToken {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'integer', name: 'agent_id' }) agentId!: number;
  @Column({ type: 'varchar' }) name!: string;
  @Column({ type: 'varchar', name: 'token_hash' }) tokenHash!: string;
  @TimeColumn({ name: 'last_used_at', nullable: true }) lastUsedAt!: number | null;
  @TimeColumn({ name: 'created_at' }) createdAt!: number;
}

// Sessions live in the database so any node behind a load balancer can serve any request.
@Entity('sessions')
export class Session {
  @PrimaryColumn({ type: 'varchar', name: 'id_hash' }) idHash!: string;
  @Column({ type: 'integer', name: 'agent_id', nullable: true }) agentId!: number | null;
  @Column({ type: 'integer', name: 'contact_id', nullable: true }) contactId!: number | null;
  @Column({ type: 'varchar', name: 'csrf_token' }) csrfToken!: string;
  @TimeColumn({ name: 'expires_at' }) expiresAt!: number;
  @TimeColumn({ name: 'created_at' }) createdAt!: number;
}

// Single-use secrets sent by link: first-admin setup, customer magic sign-in.
@Entity('one_time_tokens')
export class OneTimeToken {
  @PrimaryColumn({ type: 'varchar', name: 'token_hash' }) tokenHash!: string;
  @Column({ type: 'varchar' }) purpose!: string;
  @Column({ type: 'varchar', nullable: true }) subject!: string | null;
  @TimeColumn({ name: 'expires_at' }) expiresAt!: number;
  @TimeColumn({ name: 'used_at', nullable: true }) usedAt!: number | null;
  @TimeColumn({ name: 'created_at' }) createdAt!: number;
}
