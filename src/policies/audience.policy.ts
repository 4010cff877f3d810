import type { Audience, Message, Ticket } from '../db/entities';
import type { Viewer } from './viewer';

// The audience rule (DESIGN §3). Every surface — pages, JSON, sockets, mail, search, exports,
// webhooks — asks these functions; none filters on its own.
//
// | viewer                  | public ticket              | private ticket           |
// | anonymous / community   | public                     | nothing                  |
// | requester / participant | public + participants      | public + participants    |
// | agent                   | all                        | all                      |

export interface TicketAccessFacts {
  ticket: Pick<Ticket, 'id' | 'visibility' | 'requesterId'>;
  // Whether the viewer (a contact) is the requester or a participant of the ticket.
  isParticipant: boolean;
}

export function audiencesFor(viewer: Viewer, f: TicketAccessFacts): Audience[] {
  if (viewer.kind === 'agent') return ['public', 'participants', 'staff'];
  const participant = viewer.kind === 'contact' && (f.isParticipant || f.ticket.requesterId === viewer.contactId);
  if (participant) return ['public', 'participants'];
  return f.ticket.visibility === 'public' ? ['public'] : [];
}

export function canViewTicket(viewer: Viewer, f: TicketAccessFacts): boolean {
  return audiencesFor(viewer, f).length > 0;
}

// The widest audience this viewer may read; it names the one socket room they join.
export function topAudience(viewer: Viewer, f: TicketAccessFacts): Audience | null {
  const a = audiencesFor(viewer, f);
  return a.length ? a[a.length - 1] : null;
}

export function canSeeMessage(viewer: Viewer, f: TicketAccessFacts, m: Pick<Message, 'audience' | 'hidden' | 'authorContactId'>): boolean {
  if (!audiencesFor(viewer, f).includes(m.audience)) return false;
  // Moderated-away posts stay visible to agents and to their own author only.
  if (m.hidden && viewer.kind !== 'agent') return viewer.kind === 'contact' && m.authorContactId === viewer.contactId;
  return true;
}

export function visibleMessages<M extends Pick<Message, 'audience' | 'hidden' | 'authorContactId'>>(viewer: Viewer, f: TicketAccessFacts, messages: M[]): M[] {
  return messages.filter((m) => canSeeMessage(viewer, f, m));
}

// Who may receive a copy of a message that leaves Chorus (email, social, webhook to a customer system).
export function mayLeaveChorus(m: Pick<Message, 'audience'>): boolean {
  return m.audience !== 'staff';
}

// An outgoing webhook reads as the audience an admin gave it: 'public' like a signed-out visitor
// (public messages of public tickets), 'participants' like a participant of every ticket (no staff
// notes, nothing moderated away), 'staff' like an agent. Its payloads are built through the same
// functions as every page, with these facts.
export function webhookReader(audience: Audience, ticket: TicketAccessFacts['ticket']): { viewer: Viewer; facts: TicketAccessFacts } {
  const viewer: Viewer = audience === 'staff'
    ? { kind: 'agent', agentId: 0, role: 'agent', name: 'webhook' }
    : audience === 'participants'
      // No contact has id 0: the webhook is a participant by fact, and the author of nothing.
      ? { kind: 'contact', contactId: 0, name: 'webhook' }
      : { kind: 'anonymous' };
  return { viewer, facts: { ticket, isParticipant: audience === 'participants' } };
}
