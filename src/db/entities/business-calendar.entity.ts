import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { BusinessInterval, DayKey, Holiday } from '../../automation/business-time';
import { JsonColumn, TimeColumn } from './columns';

// Opening hours in one IANA time zone; inboxes and teams point at one (calendar_id) so SLA
// clocks and report durations count business time.
@Entity('business_calendars')
export class BusinessCalendarRow {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar' }) name!: string;
  @Column({ type: 'varchar', name: 'time_zone' }) timeZone!: string;
  @JsonColumn({ name: 'weekly_hours', nullable: false }) weekly!: Partial<Record<DayKey, BusinessInterval[]>>;
  @JsonColumn({ nullable: false }) holidays!: Holiday[];
  @TimeColumn({ name: 'created_at' }) createdAt!: number;
  @TimeColumn({ name: 'updated_at' }) updatedAt!: number;
}
