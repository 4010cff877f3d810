import { contactRepository } from '../../../db/repositories/contact.repository';
import { inboxRepository } from '../../../db/repositories/inbox.repository';
import { legalHoldRepository } from '../../../db/repositories/legal-hold.repository';
import { ticketRepository } from '../../../db/repositories/ticket.repository';
import { ticketEventRepository } from '../../../db/repositories/ticket-event.repository';
import { type HoldScope, type LegalHold } from '../../../db/entities';
import { NotFoundError, ValidationError } from '../../../errors';
import type { Viewer } from '../../../policies/viewer';
import { actorOf, type CommandDeps } from '../../../tickets/commands/command-deps';

export const HOLD_REASON_MAX = 500;

export function holdReason(reason: string | undefined | null, what: string): string {
  const r = (reason ?? '').trim();
  if (!r) throw new ValidationError(`Give the reason for ${what}.`, { fields: { reason: ['A reason is required.'] } });
  if (r.length > HOLD_REASON_MAX) throw new ValidationError(`Keep the reason under ${HOLD_REASON_MAX} characters.`, { fields: { reason: [`At most ${HOLD_REASON_MAX} characters.`] } });
  return r;
}

// Places a legal hold: from now on retention and erasure leave the target alone. The hold row
// records who, when and why; a held ticket's history says so too (a TicketEvent in its chain).
export async function placeHold(deps: CommandDeps, viewer: Viewer, input: { scope: HoldScope; targetId: number; reason: string }): Promise<LegalHold> {
  const reason = holdReason(input.reason, 'the hold');
  return deps.db.transaction(async (tx) => {
    const exists = input.scope === 'ticket' ? await ticketRepository.findById(tx.m, input.targetId)
      : input.scope === 'contact' ? await contactRepository.findById(tx.m, input.targetId)
        : await inboxRepository.findById(tx.m, input.targetId);
    if (!exists) throw new NotFoundError(`${input.scope === 'ticket' ? 'Ticket' : input.scope === 'contact' ? 'Contact' : 'Inbox'} ${input.targetId}`);
    const now = deps.now();
    const hold = await legalHoldRepository.place(tx.m, { scope: input.scope, targetId: input.targetId, reason, createdBy: viewer.kind === 'agent' ? viewer.agentId : null, createdAt: now });
    if (input.scope === 'ticket') {
      await ticketEventRepository.record(tx.m, input.targetId, 'hold.placed', actorOf(viewer), { holdId: hold.id, reason }, now);
      tx.emit('ticket.updated', { ticketId: input.targetId, changes: ['events'] });
    }
    return hold;
  });
}
