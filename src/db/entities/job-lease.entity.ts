import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TimeColumn } from './columns';

// Who runs a once-per-cluster job now, and until when (see src/jobs/cluster-job.ts).
@Entity('job_leases')
export class JobLease {
  @PrimaryColumn({ type: 'varchar', length: 64 }) name!: string;
  @Column({ type: 'varchar', length: 64, nullable: true }) holder!: string | null;
  @TimeColumn({ name: 'lease_until' }) leaseUntil!: number;
  @TimeColumn({ name: 'last_run_at', nullable: true }) lastRunAt!: number | null;
  @Column({ type: 'varchar', length: 500, name: 'last_error', nullable: true }) lastError!: string | null;
}
