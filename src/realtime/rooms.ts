import type { Audience } from '../db/entities';

// Every room name in Chorus comes from here.
export const rooms = {
  // All signed-in agents: inbox list updates (ticket summaries are staff information).
  agents: 'agents',
  agent: (agentId: number) => `agent:${agentId}`,
  contact: (contactId: number) => `contact:${contactId}`,
  // Every socket of one sign-in (named by the session id's hash), so signing out drops them.
  session: (sessionHash: string) => `session:${sessionHash}`,
  // One room per ticket and audience; a socket joins exactly one of them, the widest it may read.
  ticket: (ticketId: number, audience: Audience) => `ticket:${ticketId}:${audience}`,
  // Presence for agents on a ticket page (staff only).
  presence: (ticketId: number) => `presence:${ticketId}`,
  // Agents whose inbox list shows this ticket's row (they see who is on it).
  row: (ticketId: number) => `row:${ticketId}`,
  // Screens showing the command centre (/reports/live): staff figures, agents only.
  commandCentre: 'command-centre',
  // Agents on the listening view (/listening): strangers' public posts not yet tickets, staff work.
  listening: 'listening',
};
