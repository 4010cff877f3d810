import type { RetentionRun } from '../../db/entities';
import { retentionPolicyRepository } from '../../db/repositories/retention-policy.repository';
import type { Services } from '../../services';
import { applyRetention } from './commands/apply-retention';
import { planPolicy } from './retention-plan';

// The nightly sweep (once per cluster): each enabled policy takes what its dry run shows, in
// one transaction per ticket, and the run log records what went (counts, ticket ids, and each
// deleted ticket's last chain hash). A run with nothing to do and nothing held leaves no row.
export async function sweepRetention(s: Services, now: number): Promise<RetentionRun[]> {
  const runs: RetentionRun[] = [];
  for (const policy of await retentionPolicyRepository.list(s.db.m)) {
    if (!policy.enabled) continue;
    const plan = await planPolicy(s.db.m, policy, now);
    if (!plan.tickets.length && !plan.held && !plan.heldInboxes.length) continue;
    const totals = { tickets: 0, messages: 0, attachments: 0, blobs: 0 };
    const ticketIds: number[] = [];
    const chainHeads: Record<string, string> = {};
    for (const c of plan.tickets) {
      const done = await applyRetention(s.commands, policy, plan.description, c.id, now);
      if (!done) continue;
      totals.tickets++;
      totals.messages += done.messages;
      totals.attachments += done.attachments;
      totals.blobs += done.blobs;
      ticketIds.push(done.ticketId);
      if (done.chainHead) chainHeads[String(done.ticketId)] = done.chainHead;
    }
    runs.push(await s.db.write((m) => retentionPolicyRepository.recordRun(m, {
      policyId: policy.id, policy: plan.description, action: policy.action, startedAt: now, finishedAt: s.now(), ...totals, held: plan.held,
      ticketIds, chainHeads: policy.action === 'delete' ? chainHeads : null, more: plan.more,
    })));
  }
  return runs;
}
