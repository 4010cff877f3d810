import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { JsonColumn, TimeColumn } from './columns';

@Entity('contacts')
export class Contact {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar' }) name!: string;
  @Column({ type: 'varchar', name: 'avatar_url', nullable: true }) avatarUrl!: string | null;
  // Chosen by the customer for public pages; null shows a neutral name (see public-name.ts).
  @Column({ type: 'varchar', name: 'display_name', nullable: true }) displayName!: string | null;
  @Column({ type: 'varchar', name: 'avatar_color', nullable: true }) avatarColor!: string | null;
  @Column({ type: 'integer', default: 0 }) reputation!: number;
  @Column({ type: 'boolean', default: false }) banned!: boolean;
  @Column({ type: 'integer', name: 'merged_into_id', nullable: true }) mergedIntoId!: number | null;
  // Staff-only: agents' notes and custom fields (never shown on a customer surface).
  @Column({ type: 'text', nullable: true }) notes!: string | null;
  @JsonColumn({ name: 'custom_fields' }) customFields!: { key: string; value: string }[] | null;
  // Set by an agent: the language this customer is written to in (null: automatic).
  @Column({ type: 'varchar', length: 8, nullable: true }) language!: string | null;
  @TimeColumn({ name: 'created_at' }) createdAt!: number;
}
