import type { EntityManager } from 'typeorm';
import { FORWARD_SUBJECT, parseAttachedMessage, parseForwardedBlock, stripForwardPrefix, type ForwardedMail } from '../../channels/email/forwarded-block';
import { textToHtml } from '../../content/sanitize';
import { agentRepository } from '../../db/repositories/agent.repository';
import { messageRepository } from '../../db/repositories/message.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import type { IngestContext, Step } from '../context';

// Step 3b: an agent forwards a customer's mail into the inbox. The customer (the sender named
// in the forwarded block, or of the attached message) becomes the requester, so replies go to
// them; the agent's own words become a staff note; the thread link says who forwarded it.
// Only for an active agent's address, and only when the mail says it is a forward: a
// forward subject (Fwd:, WG:, TR:), a "Forwarded message" separator, or an attached message.
export const forwarded: Step = async (ctx, deps) => {
  const msg = ctx.msg!;
  if (msg.channel !== 'email' || msg.author.kind !== 'email' || msg.noise) return;
  const agent = await agentRepository.findByEmail(deps.db.m, msg.author.value, { cached: true });
  if (!agent?.active) return;
  const subjectSaysForward = FORWARD_SUBJECT.test(msg.subject ?? '');
  const found = await findForwarded(ctx, subjectSaysForward);
  if (!found) return;
  const { mail, attachmentIndex } = found;
  // A colleague's or our own mail passed on is not a customer's: it stays the agent's mail.
  if (mail.from.address === ctx.inbox.address?.toLowerCase() || (await agentRepository.findByEmail(deps.db.m, mail.from.address, { cached: true }))) return;

  ctx.forwardedBy = { agentId: agent.id, label: `${agent.name} <${agent.email}>`, note: mail.note };
  msg.author = { kind: 'email', value: mail.from.address, name: mail.from.name ?? undefined };
  // The agent's recipients and whatever they wrote stay out of what the customer may read.
  msg.participants = [];
  msg.subject = mail.subject?.trim() || stripForwardPrefix(msg.subject ?? '') || null;
  msg.text = mail.body || '(empty message)';
  msg.fullText = null;
  msg.html = null;
  if (attachmentIndex !== undefined) msg.attachments = (msg.attachments ?? []).filter((_, i) => i !== attachmentIndex);
  if (mail.date && mail.date.getTime() <= deps.now()) msg.receivedAt = mail.date.getTime();
  msg.flags = { ...(msg.flags ?? {}), forwardedBy: agent.id };
};

async function findForwarded(ctx: IngestContext, subjectSaysForward: boolean): Promise<{ mail: ForwardedMail; attachmentIndex?: number } | null> {
  const msg = ctx.msg!;
  const block = parseForwardedBlock(msg.fullText ?? msg.text);
  // Outlook's "Original Message" separator heads replies too: it needs a forward subject.
  if (block && (block.marker === 'forward' || subjectSaysForward)) return { mail: block };
  const index = (msg.attachments ?? []).findIndex((a) => /^message\/rfc822$/i.test(a.contentType));
  if (index >= 0) {
    const inner = await parseAttachedMessage(msg.attachments![index].content).catch(() => null);
    if (inner) return { mail: { ...inner, note: msg.text === '(attachments only)' ? '' : (msg.fullText ?? msg.text).trim(), marker: 'forward' }, attachmentIndex: index };
  }
  return null;
}

// Called by persist inside its transaction: the forwarding agent's words as a staff note after
// the customer's message. Returns the note's id, or null when the agent wrote nothing.
export async function recordForwardNote(m: EntityManager, ctx: IngestContext, ticketId: number, now: number): Promise<number | null> {
  const by = ctx.forwardedBy;
  if (!by?.note) return null;
  const id = await messageRepository.insert(m, {
    ticketId, authorType: 'agent', authorContactId: null, authorAgentId: by.agentId, channel: 'note', direction: 'internal', audience: 'staff',
    text: by.note, fullText: null, html: textToHtml(by.note), externalId: null, emailMessageId: null, deliveryState: null, deliveryError: null,
    inboundItemId: ctx.item.id, hidden: false, score: 0, flags: { forwardNote: true }, createdAt: now,
  });
  await messageRepository.insertThreadLink(m, { messageId: id, ticketId, rule: 'agent', evidence: `forwarded by ${by.label}`, createdAt: now });
  await ticketRepository.update(m, ticketId, { updatedAt: now });
  ctx.events.push({ name: 'message.created', payload: { ticketId, messageId: id, audience: 'staff', channel: 'note', direction: 'internal' } });
  return id;
}
