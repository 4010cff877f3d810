import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { TimeColumn } from './columns';

// kind: 'email' | 'phone' | 'web' | 'api' | 'messenger' | 'instagram' | 'whatsapp' | 'telegram' | 'x' | 'mastodon' | …
@Entity('identities')
export class Identity {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'integer', name: 'contact_id' }) contactId!: number;
  @Column({ type: 'varchar' }) kind!: string;
  @Column({ type: 'varchar' }) value!: string;
  @Column({ type: 'varchar', nullable: true }) handle!: string | null;
  @Column({ type: 'varchar', name: 'display_name', nullable: true }) displayName!: string | null;
  @Column({ type: 'integer', nullable: true }) followers!: number | null;
  @Column({ type: 'boolean', default: false }) verified!: boolean;
  @TimeColumn({ name: 'created_at' }) createdAt!: number;
}
