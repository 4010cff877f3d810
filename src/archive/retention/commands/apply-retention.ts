import type { EventCause, RetentionPolicy } from '../../../db/entities';
import { inboundItemRepository } from '../../../db/repositories/inbound-item.repository';
import { messageRepository } from '../../../db/repositories/message.repository';
import { legalHoldRepository } from '../../../db/repositories/legal-hold.repository';
import { type Removed, retentionRepository } from '../../../db/repositories/retention.repository';
import { ticketRepository } from '../../../db/repositories/ticket.repository';
import { ticketEventRepository } from '../../../db/repositories/ticket-event.repository';
import type { CommandDeps } from '../../../tickets/commands/command-deps';
import { cutoffOf } from '../retention-plan';
import { stripAttachments } from '../strip-attachments';

export interface Applied extends Removed { ticketId: number }

// Applies a policy to one ticket, in one transaction, after checking again that it is still
// closed past the cut-off and under no legal hold (a hold placed since the plan wins). Returns
// null when the ticket no longer qualifies. Where the ticket survives, a TicketEvent names
// the policy as the cause.
export async function applyRetention(deps: CommandDeps, policy: RetentionPolicy, description: string, ticketId: number, now = deps.now()): Promise<Applied | null> {
  return deps.db.transaction(async (tx) => {
    const t = await ticketRepository.findById(tx.m, ticketId);
    if (!t || t.status !== 'closed' || (t.statusChangedAt ?? Infinity) >= cutoffOf(now, policy.months)) return null;
    if ((await legalHoldRepository.activeFor(tx.m, { ticketIds: [t.id], contactIds: [t.requesterId], inboxIds: [t.inboxId] })).length) return null;
    const cause: EventCause = { kind: 'retention', id: policy.id, name: description };

    if (policy.action === 'delete') {
      // No event: nothing is left to carry it; the run log is the record.
      const removed = await retentionRepository.purgeTicket(tx.m, t.id);
      return { ticketId: t.id, ...removed };
    }

    const msgs = await retentionRepository.messagesOf(tx.m, t.id);
    const messageIds = msgs.map((x) => x.id);
    const withFiles = await retentionRepository.messagesWithAttachments(tx.m, messageIds);
    const files = await retentionRepository.deleteAttachments(tx.m, messageIds);
    if (policy.action === 'attachments') {
      if (t.retention === 'attachments' || t.retention === 'anonymised') return null;
      // The raw mail carried the files too: it keeps its headers and text, without them.
      for (const msg of msgs.filter((x) => withFiles.includes(x.id) && x.inboundItemId !== null)) {
        const item = await inboundItemRepository.findById(tx.m, msg.inboundItemId!);
        const text = (await messageRepository.findById(tx.m, msg.id))?.text ?? '';
        if (item) await inboundItemRepository.update(tx.m, item.id, { raw: stripAttachments(item.raw, text) });
      }
      for (const id of withFiles) await retentionRepository.attachmentsRemoved(tx.m, { id, ticketId: t.id }, now);
      await retentionRepository.markAttachmentsRemoved(tx.m, t.id, now);
      if (files.attachments) {
        await ticketEventRepository.record(tx.m, t.id, 'retention.attachments', { type: 'system', cause }, { policyId: policy.id, attachments: files.attachments, messages: withFiles.length }, now);
        tx.emit('ticket.updated', { ticketId: t.id, changes: ['attachments'], cause });
      }
      return { ticketId: t.id, messages: 0, ...files, chainHead: null };
    }

    for (const msg of msgs) await retentionRepository.anonymiseMessage(tx.m, { ...msg, ticketId: t.id }, now);
    await retentionRepository.anonymiseTicket(tx.m, t.id, t.requesterId, messageIds, now);
    await ticketEventRepository.record(tx.m, t.id, 'retention.anonymised', { type: 'system', cause }, { policyId: policy.id, messages: msgs.length, attachments: files.attachments }, now);
    tx.emit('ticket.updated', { ticketId: t.id, changes: ['subject', 'messages'], cause });
    return { ticketId: t.id, messages: msgs.length, ...files, chainHead: null };
  });
}
