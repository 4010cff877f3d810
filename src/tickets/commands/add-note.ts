import type { Viewer } from '../../policies/viewer';
import { CommandDeps, loadTicket } from './command-deps';
import { postAgentMessage, type OutgoingAttachment } from './post-agent-message';

// A staff note: seen by agents only, never delivered anywhere.
export async function addNote(deps: CommandDeps, viewer: Extract<Viewer, { kind: 'agent' }>, ticketId: number, input: { text: string; html?: string | null; attachments?: OutgoingAttachment[] }) {
  return deps.db.transaction(async (tx) => {
    const t = await loadTicket(tx.m, ticketId);
    return postAgentMessage(tx, deps, viewer, t, { ...input, audience: 'staff' });
  });
}
