import { listeningStreamRepository } from '../../db/repositories/listening-stream.repository';
import { NotFoundError } from '../../errors';
import type { Services } from '../../services';

// The posts it found stay (a dismissed post stays dismissed; a ticket keeps its thread).
export async function deleteStream(s: Services, id: number): Promise<void> {
  await s.db.transaction(async (tx) => {
    if (!(await listeningStreamRepository.remove(tx.m, id))) throw new NotFoundError('Listening stream');
    tx.emit('listening.stream.changed', { streamId: id });
  });
}
