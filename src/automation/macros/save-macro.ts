import { macroRepository } from '../../db/repositories/macro.repository';
import type { Db } from '../../db/transaction';
import { ConflictError, NotFoundError } from '../../errors';
import type { MacroInput } from './macro-schema';

// Creates (no id) or changes a macro; names are unique regardless of case.
export async function saveMacro(db: Db, now: number, input: MacroInput, by: number, id?: number): Promise<number> {
  return db.transaction(async ({ m }) => {
    const same = await macroRepository.findByName(m, input.name);
    if (same && same.id !== id) throw new ConflictError(`A macro called "${same.name}" exists already.`, { fields: { name: ['Choose another name.'] } });
    if (id === undefined) return macroRepository.insert(m, { ...input, createdBy: by, createdAt: now, updatedAt: now });
    if (!(await macroRepository.findById(m, id))) throw new NotFoundError('Macro');
    await macroRepository.update(m, id, { ...input, updatedAt: now });
    return id;
  });
}

export async function deleteMacro(db: Db, id: number): Promise<void> {
  if (!(await db.write((m) => macroRepository.remove(m, id)))) throw new NotFoundError('Macro');
}
