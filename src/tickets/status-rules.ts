import type { TicketStatus } from '../db/entities';

// new → open → pending → solved → closed. Agents may move a ticket anywhere before it is
// closed; a closed ticket is final (a later reply opens a follow-up ticket instead).
export function canMoveStatus(from: TicketStatus, to: TicketStatus): boolean {
  if (from === to) return false;
  if (from === 'closed') return false;
  if (to === 'new') return false;
  return true;
}
