import { Column, Entity, PrimaryColumn } from 'typeorm';
import { JsonColumn, TimeColumn } from './columns';

// One setting of the whole instance (e.g. `branding`), its value as JSON.
@Entity('instance_settings')
export class InstanceSetting {
  @PrimaryColumn({ type: 'varchar', length: 64 }) key!: string;
  @JsonColumn({ nullable: false }) value!: object;
  @Column({ type: 'integer', name: 'updated_by', nullable: true }) updatedBy!: number | null;
  @TimeColumn({ name: 'updated_at' }) updatedAt!: number;
}
