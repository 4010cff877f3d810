import type { Attachment, ChainLink, Message, OutboxItem, Ticket, TicketEvent } from '../../db/entities';
import { agentRepository } from '../../db/repositories/agent.repository';
import { blobRepository } from '../../db/repositories/blob.repository';
import { chainRepository } from '../../db/repositories/chain.repository';
import { contactRepository } from '../../db/repositories/contact.repository';
import { exportRepository } from '../../db/repositories/export.repository';
import { inboxRepository } from '../../db/repositories/inbox.repository';
import { messageRepository } from '../../db/repositories/message.repository';
import { ticketEventRepository } from '../../db/repositories/ticket-event.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import { EMAIL_RAW_TYPE } from '../../channels/email/email-key';
import { presentMessages } from '../../http/presenters/message.presenter';
import { visibleMessages } from '../../policies/audience.policy';
import { loadTicketAccess } from '../../policies/ticket-access';
import type { Viewer } from '../../policies/viewer';
import type { Services } from '../../services';
import { canonicalJson, messageContent, eventContent, sha256Hex, GENESIS } from '../chain/chain-digest';
import { exportReadme, verifyAssets } from './export-texts';
import { sentMailOf } from './sent-mail';
import { type HtmlMessage, renderThreadHtml } from './thread-html';
import { safeName, shouldCompress, ZipWriter } from './zip-writer';

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString());

export interface TicketExportPlan {
  ticket: Ticket;
  filename: string;
  // Adds every file to the ZIP; large ones are read from the database when the ZIP reaches them.
  write(zip: ZipWriter): void;
}

// One ticket as a ZIP, for one reader. An agent gets everything kept (staff notes marked, every
// event and its cause, raw items, sent mail, the hash chain); a customer gets their own view,
// decided by the same audience policy as their thread page. Loads what it needs up front, so a
// ticket the viewer may not read fails (404) before a byte is sent.
export async function planTicketExport(s: Services, viewer: Viewer, ticketId: number): Promise<TicketExportPlan> {
  const m = s.db.m;
  const { ticket, facts } = await loadTicketAccess(m, viewer, ticketId);
  const staff = viewer.kind === 'agent';
  const all = await messageRepository.listByTicket(m, ticket.id);
  const messages = visibleMessages(viewer, facts, all);
  const ids = messages.map((x) => x.id);
  const [attachments, presented, inbox] = await Promise.all([messageRepository.attachmentsOf(m, ids), presentMessages(m, viewer, messages), inboxRepository.findById(m, ticket.inboxId)]);

  // Raw items: every one for staff; for a customer only what they sent themselves.
  const mine = (x: Message) => viewer.kind === 'contact' && x.direction === 'inbound' && x.authorContactId === viewer.contactId;
  const rawIds = messages.filter((x) => x.inboundItemId !== null && (staff || mine(x))).map((x) => x.inboundItemId!);
  const items = new Map((await exportRepository.inboundItems(m, rawIds)).map((i) => [i.id, i]));
  // Sent mail: every delivery for staff; for a customer the ones addressed to them.
  const myAddresses = viewer.kind === 'contact' ? new Set((await contactRepository.identitiesOf(m, [viewer.contactId])).filter((i) => i.kind === 'email').map((i) => i.value.toLowerCase())) : new Set<string>();
  const addressedToMe = (o: OutboxItem) => [o.payload?.to, ...((o.payload?.cc as string[] | undefined) ?? [])].some((a) => typeof a === 'string' && myAddresses.has(a.toLowerCase()));
  const sent = (await exportRepository.sentEmails(m, messages.filter((x) => x.direction === 'outbound' && x.audience !== 'staff').map((x) => x.id))).filter((o) => staff || addressedToMe(o));

  const files = new Map<number, { received?: string; sent: string[]; attachments: Map<number, string> }>();
  const fileOf = (id: number) => files.get(id) ?? files.set(id, { sent: [], attachments: new Map() }).get(id)!;
  for (const x of messages) {
    if (x.inboundItemId !== null && items.has(x.inboundItemId)) fileOf(x.id).received = `messages/${x.id}-received.${items.get(x.inboundItemId)!.rawType === EMAIL_RAW_TYPE ? 'eml' : 'json'}`;
  }
  for (const [n, o] of sent.entries()) fileOf(o.messageId!).sent.push(`messages/${o.messageId}-sent${sent.filter((x, i) => i < n && x.messageId === o.messageId).length ? `-${o.id}` : ''}.eml`);
  for (const a of attachments) fileOf(a.messageId).attachments.set(a.id, `attachments/${a.id}-${safeName(a.filename)}`);

  const [events, participants, tagDetails, mergedFrom, chain] = staff
    ? await Promise.all([ticketEventRepository.listByTicket(m, ticket.id), ticketRepository.participants(m, ticket.id), ticketRepository.tagDetailsOf(m, [ticket.id]), exportRepository.mergedInto(m, ticket.id), chainRepository.listByTicket(m, ticket.id)])
    : [[] as TicketEvent[], [], await ticketRepository.tagDetailsOf(m, [ticket.id], { publicOnly: true }), [] as number[], [] as ChainLink[]];
  const tags = tagDetails.get(ticket.id) ?? [];
  const contacts = staff ? await contactRepository.findByIds(m, [ticket.requesterId, ...participants.map((p) => p.contactId)]) : [];
  const identities = staff ? await contactRepository.identitiesOf(m, contacts.map((c) => c.id)) : [];
  const agents = staff ? await agentRepository.findByIds(m, events.filter((e) => e.actorType === 'agent' && e.actorId).map((e) => e.actorId!)) : [];

  const attachmentRow = (a: Attachment) => ({ id: a.id, filename: a.filename, contentType: a.contentType, size: Number(a.size), sha256: a.sha256, inline: a.inline, contentId: a.contentId, file: files.get(a.messageId)?.attachments.get(a.id) ?? null });
  const fileEntry = (id: number) => ({ receivedFile: files.get(id)?.received ?? null, sentFiles: files.get(id)?.sent ?? [] });
  const json = staff
    ? {
      format: 'chorus.ticket-export', version: 1, audience: 'staff', exportedAt: iso(s.now()), askedFor: ticketId, mergedFrom,
      ticket: { ...ticket, createdAt: iso(ticket.createdAt), updatedAt: iso(ticket.updatedAt), lastActivityAt: iso(ticket.lastActivityAt), solvedAt: iso(ticket.solvedAt), firstResponseAt: iso(ticket.firstResponseAt), inbox: inbox ? { id: inbox.id, name: inbox.name, channel: inbox.channel, address: inbox.address } : null },
      tags,
      participants: [{ contactId: ticket.requesterId, role: 'requester' }, ...participants.filter((p) => p.contactId !== ticket.requesterId)].map((p) => {
        const c = contacts.find((x) => x.id === p.contactId);
        return { contactId: p.contactId, role: p.role, name: c?.name ?? null, identities: identities.filter((i) => i.contactId === p.contactId).map((i) => ({ kind: i.kind, value: i.value, handle: i.handle, displayName: i.displayName })) };
      }),
      // Rows as stored (times as ISO instants, exact to the millisecond): verify.mjs rebuilds
      // each one's chain content from these fields.
      messages: messages.map((x) => ({
        id: x.id, ticketId: x.ticketId, authorType: x.authorType, authorContactId: x.authorContactId, authorAgentId: x.authorAgentId, authorName: x.authorName ?? null,
        channel: x.channel, direction: x.direction, audience: x.audience, text: x.text, fullText: x.fullText, html: x.html, externalId: x.externalId, emailMessageId: x.emailMessageId,
        deliveryState: x.deliveryState, deliveryError: x.deliveryError, inboundItemId: x.inboundItemId, rawType: x.inboundItemId !== null ? items.get(x.inboundItemId)?.rawType ?? null : null,
        hidden: x.hidden, score: x.score, flags: x.flags, createdAt: iso(x.createdAt), attachments: attachments.filter((a) => a.messageId === x.id).map(attachmentRow), ...fileEntry(x.id),
      })),
      events: events.map((e) => ({ id: e.id, ticketId: e.ticketId, type: e.type, actorType: e.actorType, actorId: e.actorId, data: e.data, cause: e.cause, createdAt: iso(e.createdAt) })),
    }
    : {
      format: 'chorus.ticket-export', version: 1, audience: 'customer', exportedAt: iso(s.now()),
      ticket: { id: ticket.id, subject: ticket.subject, status: ticket.status, visibility: ticket.visibility, createdAt: iso(ticket.createdAt), lastActivityAt: iso(ticket.lastActivityAt) },
      tags: tags.map((t) => t.tag),
      messages: presented.map((p) => ({ ...p, attachments: p.attachments.map((a) => ({ ...a, url: undefined, file: files.get(p.id)?.attachments.get(a.id) ?? null })), ...fileEntry(p.id) })),
    };

  const authorOf = new Map(presented.map((p) => [p.id, p.author]));
  const agentName = new Map(agents.map((a) => [a.id, a.name]));
  const html = renderThreadHtml({
    title: `#${ticket.id} ${ticket.subject}`,
    facts: [['Ticket', `#${ticket.id}${ticketId !== ticket.id ? ` (asked for #${ticketId}, merged into it)` : ''}`], ['Status', ticket.status], ['Visibility', ticket.visibility], ['Opened', iso(ticket.createdAt)!],
      ['Exported', iso(s.now())!], ...(tags.length ? [['Tags', tags.map((t) => (staff && !t.isPublic ? `${t.tag} (internal)` : t.tag)).join(', ')] as [string, string]] : [])],
    note: staff
      ? 'Staff export: every message including staff notes (marked), and the full history with the cause of each automatic change.'
      : 'Your copy of this conversation: every message you can see on the conversation page, with its files.',
    messages: messages.map((x): HtmlMessage => ({
      id: x.id, author: authorOf.get(x.id)?.name ?? 'Unknown', authorKind: x.authorType, audience: x.audience, channel: x.channel, direction: x.direction, createdAt: iso(x.createdAt), text: x.text, fullText: x.fullText,
      files: [
        ...attachments.filter((a) => a.messageId === x.id).map((a) => ({ label: `${a.filename} (${a.size} bytes)`, href: files.get(x.id)!.attachments.get(a.id)! })),
        ...(files.get(x.id)?.received ? [{ label: 'As received', href: files.get(x.id)!.received! }] : []),
        ...(files.get(x.id)?.sent ?? []).map((f) => ({ label: 'As sent by e-mail', href: f })),
      ],
    })),
    events: staff ? events.map((e) => ({ at: iso(e.createdAt)!, text: describeEvent(e, agentName) })) : undefined,
  });

  return {
    ticket,
    filename: `ticket-${ticket.id}${staff ? '' : '-my-copy'}.zip`,
    write(zip) {
      zip.text('README.txt', exportReadme(staff, sent.length > 0));
      zip.text('thread.html', html);
      zip.json('ticket.json', json);
      // Raw digests as streamed, for chain.json (written after them).
      const rawSha = new Map<number, string>();
      for (const x of messages) {
        const item = x.inboundItemId !== null ? items.get(x.inboundItemId) : undefined;
        if (!item) continue;
        zip.lazy(files.get(x.id)!.received!, async () => {
          const raw = await exportRepository.rawOf(m, item.id);
          if (raw !== null) rawSha.set(item.id, sha256Hex(raw));
          return raw;
        });
      }
      for (const o of sent) {
        const x = messages.find((y) => y.id === o.messageId)!;
        const path = files.get(x.id)!.sent[sent.filter((y) => y.messageId === x.id).indexOf(o)];
        zip.lazy(path, async () => (await sentMailOf(s, { message: x, ticket, inbox, item: o }))?.bytes ?? null);
      }
      for (const a of attachments) zip.lazy(files.get(a.messageId)!.attachments.get(a.id)!, () => blobRepository.get(m, a.sha256), { compress: shouldCompress(a.contentType) });
      if (!staff) return;
      zip.lazy('chain.json', async () => JSON.stringify(await chainFile(s, ticket.id, chain, rawSha), null, 2) + '\n');
      const v = verifyAssets();
      zip.text('VERIFY.md', v.readme);
      zip.text('verify.mjs', v.script);
    },
  };
}

// chain.json: the ticket's links in order, each with the canonical JSON its digest was computed
// from (for the newest link naming each row; an older one of the same row was superseded).
async function chainFile(s: Services, ticketId: number, links: ChainLink[], rawSha: Map<number, string>) {
  const m = s.db.m;
  const latest = new Map<string, number>();
  for (const l of links) latest.set(`${l.subjectType} ${l.subjectId}`, l.seq);
  const msgIds = [...new Set(links.filter((l) => l.subjectType === 'message').map((l) => l.subjectId))];
  const msgs = new Map((await exportRepository.messagesByIds(m, msgIds)).map((x) => [x.id, x]));
  const atts = await messageRepository.attachmentsOf(m, msgIds);
  const events = new Map((await ticketEventRepository.listByTicket(m, ticketId)).map((e) => [e.id, e]));
  const canonical = new Map<string, string>();
  for (const x of msgs.values()) {
    let sha: string | null = null;
    if (x.inboundItemId !== null) {
      sha = rawSha.get(x.inboundItemId) ?? null;
      if (sha === null) {
        const raw = await exportRepository.rawOf(m, x.inboundItemId);
        sha = raw === null ? null : sha256Hex(raw);
      }
    }
    canonical.set(`message ${x.id}`, canonicalJson(messageContent(x, atts.filter((a) => a.messageId === x.id), sha)));
  }
  for (const e of events.values()) canonical.set(`event ${e.id}`, canonicalJson(eventContent(e)));
  return {
    format: 'chorus.hash-chain', version: 1, ticketId, genesis: GENESIS, head: links.at(-1)?.hash ?? GENESIS, length: links.length,
    links: links.map((l) => {
      const key = `${l.subjectType} ${l.subjectId}`;
      const c = latest.get(key) === l.seq ? canonical.get(key) ?? null : null;
      return {
        seq: l.seq, subjectType: l.subjectType, subjectId: l.subjectId, action: l.action, digest: l.digest, prevHash: l.prevHash, hash: l.hash, createdAt: Number(l.createdAt),
        canonical: c, ...(c === null ? { note: latest.get(key) === l.seq ? 'the row no longer exists' : `superseded by link ${latest.get(key)} of the same row` } : {}),
      };
    }),
  };
}

function describeEvent(e: TicketEvent, agents: Map<number, string>): string {
  const who = e.actorType === 'agent' ? agents.get(e.actorId!) ?? `agent ${e.actorId}` : e.actorType === 'contact' ? `contact ${e.actorId}` : 'Chorus';
  const data = e.data && Object.keys(e.data).length ? ` ${JSON.stringify(e.data)}` : '';
  const cause = e.cause ? ` — because of ${e.cause.kind} "${e.cause.name}" (#${e.cause.id})` : '';
  return `${e.type}${data} by ${who}${cause}`;
}

