import type { SlaPolicy } from '../../db/entities';
import { slaPolicyRepository } from '../../db/repositories/sla.repository';
import type { Db } from '../../db/transaction';
import { ConflictError, NotFoundError, ValidationError } from '../../errors';
import { recomputeSla } from './recompute-sla';
import { type SlaPolicyInput, slaPolicyInputSchema } from './sla-policy.schema';

function validated(input: unknown): SlaPolicyInput {
  const parsed = slaPolicyInputSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const fields: Record<string, string[]> = {};
  for (const i of parsed.error.issues) (fields[i.path.join('.') || 'policy'] ??= []).push(i.message);
  const [field, messages] = Object.entries(fields)[0];
  throw new ValidationError(`Invalid SLA policy field ${field}: ${messages[0]}`, { fields });
}

// Moves `id` to `position` (1-based) and renumbers the rest 1…n in their order.
async function place(tx: Parameters<Parameters<Db['transaction']>[0]>[0], id: number, position: number | undefined): Promise<void> {
  const all = await slaPolicyRepository.list(tx.m);
  const rest = all.filter((p) => p.id !== id);
  const at = Math.min(Math.max((position ?? rest.length + 1) - 1, 0), rest.length);
  const ordered = [...rest.slice(0, at), all.find((p) => p.id === id)!, ...rest.slice(at)];
  for (let i = 0; i < ordered.length; i++) if (ordered[i].position !== i + 1) await slaPolicyRepository.update(tx.m, ordered[i].id, { position: i + 1 });
}

const columns = (p: SlaPolicyInput) => ({
  name: p.name, enabled: p.enabled, conditions: p.conditions, firstResponseMinutes: p.firstResponseMinutes ?? null, nextResponseMinutes: p.nextResponseMinutes ?? null,
  resolutionMinutes: p.resolutionMinutes ?? null, warnBeforeMinutes: p.warnBeforeMinutes, businessHours: p.businessHours,
});

export async function createSlaPolicy(db: Db, now: number, input: unknown): Promise<SlaPolicy> {
  const p = validated(input);
  const policy = await db.transaction(async (tx) => {
    if (await slaPolicyRepository.findByName(tx.m, p.name)) throw new ConflictError(`An SLA policy named "${p.name}" exists already.`, { fields: { name: ['This name is taken.'] } });
    const id = await slaPolicyRepository.insert(tx.m, { ...columns(p), position: (await slaPolicyRepository.maxPosition(tx.m)) + 1, createdAt: now, updatedAt: now });
    await place(tx, id, p.position);
    return (await slaPolicyRepository.findById(tx.m, id))!;
  });
  await reapplyPolicies(db, now);
  return policy;
}

export async function updateSlaPolicy(db: Db, id: number, now: number, input: unknown): Promise<SlaPolicy> {
  const p = validated(input);
  const policy = await db.transaction(async (tx) => {
    if (!(await slaPolicyRepository.findById(tx.m, id))) throw new NotFoundError('SLA policy');
    const same = await slaPolicyRepository.findByName(tx.m, p.name);
    if (same && same.id !== id) throw new ConflictError(`An SLA policy named "${p.name}" exists already.`, { fields: { name: ['This name is taken.'] } });
    await slaPolicyRepository.update(tx.m, id, { ...columns(p), updatedAt: now });
    if (p.position !== undefined) await place(tx, id, p.position);
    return (await slaPolicyRepository.findById(tx.m, id))!;
  });
  await reapplyPolicies(db, now);
  return policy;
}

export async function deleteSlaPolicy(db: Db, id: number, now: number): Promise<void> {
  await db.transaction(async (tx) => {
    if (!(await slaPolicyRepository.remove(tx.m, id))) throw new NotFoundError('SLA policy');
  });
  await reapplyPolicies(db, now);
}

// Open tickets take the changed policies at once (their due times on the rows move), a batch
// per transaction so a large inbox never holds one long write.
const REAPPLY_LIMIT = 20_000;
export async function reapplyPolicies(db: Db, now: number): Promise<number> {
  const ids = await slaPolicyRepository.openTicketIds(db.m, null, REAPPLY_LIMIT);
  for (let i = 0; i < ids.length; i += 200) {
    await db.transaction(async ({ m }) => {
      const policies = await slaPolicyRepository.list(m);
      for (const id of ids.slice(i, i + 200)) await recomputeSla(m, id, now, { policies });
    });
  }
  return ids.length;
}
