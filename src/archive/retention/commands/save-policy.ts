import { z } from 'zod';
import { RETENTION_ACTIONS, type RetentionPolicy } from '../../../db/entities';
import { inboxRepository } from '../../../db/repositories/inbox.repository';
import { retentionPolicyRepository } from '../../../db/repositories/retention-policy.repository';
import { NotFoundError, ValidationError } from '../../../errors';
import type { Services } from '../../../services';

export const policyBody = z.object({
  scope: z.enum(['global', 'inbox']),
  inboxId: z.coerce.number().int().positive().nullable().optional(),
  months: z.coerce.number().int().min(1, 'At least 1 month').max(1200, 'At most 1200 months (100 years)'),
  action: z.enum(RETENTION_ACTIONS),
  enabled: z.boolean().default(true),
});
export type PolicyInput = z.infer<typeof policyBody>;

async function checked(s: Services, input: PolicyInput): Promise<Pick<RetentionPolicy, 'scope' | 'inboxId' | 'months' | 'action' | 'enabled'>> {
  const inboxId = input.scope === 'inbox' ? input.inboxId ?? null : null;
  if (input.scope === 'inbox') {
    if (inboxId === null) throw new ValidationError('Choose the inbox this policy is for.', { fields: { inboxId: ['Required for an inbox policy.'] } });
    if (!(await inboxRepository.findById(s.db.m, inboxId))) throw new ValidationError(`There is no inbox ${inboxId}.`, { fields: { inboxId: ['No such inbox.'] } });
  }
  return { scope: input.scope, inboxId, months: input.months, action: input.action, enabled: input.enabled };
}

export async function createPolicy(s: Services, input: PolicyInput, by: number | null): Promise<RetentionPolicy> {
  const p = await checked(s, input);
  const now = s.now();
  return s.db.write((m) => retentionPolicyRepository.insert(m, { ...p, createdBy: by, createdAt: now, updatedAt: now }));
}

export async function updatePolicy(s: Services, id: number, input: PolicyInput): Promise<RetentionPolicy> {
  if (!(await retentionPolicyRepository.findById(s.db.m, id))) throw new NotFoundError(`Retention policy ${id}`);
  const p = await checked(s, input);
  await s.db.write((m) => retentionPolicyRepository.update(m, id, { ...p, updatedAt: s.now() }));
  return (await retentionPolicyRepository.findById(s.db.m, id))!;
}

export async function deletePolicy(s: Services, id: number): Promise<void> {
  if (!(await s.db.write((m) => retentionPolicyRepository.remove(m, id)))) throw new NotFoundError(`Retention policy ${id}`);
}
