import type { EntityManager } from 'typeorm';
import type { Ticket } from '../../db/entities';
import { messageRepository } from '../../db/repositories/message.repository';
import { ConflictError } from '../../errors';
import { type CommandDeps, loadTicket } from './command-deps';
import { postAgentMessage } from './post-agent-message';

// Why Chorus must not answer this ticket on its own, or null: automatic mail (a bounce, an
// out-of-office, list mail) answered automatically is how mail loops start.
export async function automaticMailReason(m: EntityManager, t: Ticket): Promise<string | null> {
  if (t.automatic) return `the ticket was opened by automatic mail (${t.automatic})`;
  const last = await messageRepository.lastInbound(m, t.id);
  if (last?.flags?.noise) return `the customer's last message is automatic mail (${last.flags.noise.reason ?? 'automatic'})`;
  return null;
}

// A rule's canned reply or staff note, written by Chorus itself and naming its cause (deps.cause).
// A reply is not an agent's first response: the SLA clock keeps running until a person answers.
export async function addAutomaticMessage(deps: CommandDeps, ticketId: number, input: { audience: 'public' | 'participants' | 'staff'; text: string }) {
  return deps.db.transaction(async (tx) => {
    const t = await loadTicket(tx.m, ticketId);
    if (input.audience !== 'staff') {
      if (t.status === 'closed') throw new ConflictError('The ticket is closed; an automatic reply would reach no one.');
      const reason = await automaticMailReason(tx.m, t);
      if (reason) throw new ConflictError(`Not answered automatically: ${reason}.`);
    }
    const message = await postAgentMessage(tx, deps, null, t, input);
    tx.emit('ticket.updated', { ticketId: t.id, changes: ['last_activity'], cause: deps.cause });
    return message;
  });
}
