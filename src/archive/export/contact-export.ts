import type { Message } from '../../db/entities';
import { blobRepository } from '../../db/repositories/blob.repository';
import { contactRepository } from '../../db/repositories/contact.repository';
import { exportRepository } from '../../db/repositories/export.repository';
import { messageRepository } from '../../db/repositories/message.repository';
import { EMAIL_RAW_TYPE } from '../../channels/email/email-key';
import { NotFoundError } from '../../errors';
import type { Services } from '../../services';
import { safeName, shouldCompress, ZipWriter } from './zip-writer';

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString());

export interface ContactExportPlan {
  contactId: number;
  filename: string;
  counts: { tickets: number; messages: number; files: number };
  write(zip: ZipWriter, onFile?: () => void): void;
}

// Everything Chorus keeps about one person, for an access request: their profile and every
// identity (also of records merged into theirs), the tickets they asked or take part in with the
// messages they wrote or were sent (staff notes are internal working notes and stay out), what
// they sent as received, their files, votes, reports, satisfaction ratings and sign-in history.
export async function planContactExport(s: Services, contactId: number): Promise<ContactExportPlan> {
  const m = s.db.m;
  const contact = await contactRepository.findById(m, contactId);
  if (!contact) throw new NotFoundError(`Contact ${contactId}`);
  const merged = await exportRepository.contactsMergedInto(m, contact.id);
  const ids = [contact.id, ...merged.map((c) => c.id)];
  const [identities, tickets, votes, flags, surveys, sessions] = await Promise.all([
    exportRepository.identities(m, ids), exportRepository.ticketsOfContact(m, ids), exportRepository.votes(m, ids),
    exportRepository.flags(m, ids), exportRepository.csatSurveys(m, ids), exportRepository.sessions(m, ids),
  ]);
  const addresses = identities.filter((i) => i.kind === 'email').map((i) => i.value);
  const signInLinks = await exportRepository.oneTimeTokens(m, [...new Set([...addresses, ...addresses.map((a) => a.toLowerCase())])]);
  const ticketIds = tickets.map((t) => t.ticket.id);
  const tags = await exportRepository.tagsOf(m, ticketIds);
  const mine = (x: Message) => x.authorContactId !== null && ids.includes(x.authorContactId);
  const perTicket: { ticketId: number; messages: Message[] }[] = [];
  for (const t of tickets) perTicket.push({ ticketId: t.ticket.id, messages: (await messageRepository.listByTicket(m, t.ticket.id)).filter((x) => mine(x) || x.audience !== 'staff') });
  const messages = perTicket.flatMap((p) => p.messages);
  const attachments = await messageRepository.attachmentsOf(m, messages.map((x) => x.id));
  const items = new Map((await exportRepository.inboundItems(m, messages.filter((x) => mine(x) && x.inboundItemId !== null).map((x) => x.inboundItemId!))).map((i) => [i.id, i]));
  const rawFile = (x: Message) => {
    const item = x.inboundItemId !== null ? items.get(x.inboundItemId) : undefined;
    return item ? `tickets/${x.ticketId}/messages/${x.id}-received.${item.rawType === EMAIL_RAW_TYPE ? 'eml' : 'json'}` : null;
  };
  const attFile = (ticketId: number, a: { id: number; filename: string }) => `tickets/${ticketId}/attachments/${a.id}-${safeName(a.filename)}`;
  const ticketOf = new Map(messages.map((x) => [x.id, x.ticketId]));

  const profile = {
    format: 'chorus.contact-export', version: 1, exportedAt: iso(s.now()),
    contact: { id: contact.id, name: contact.name, avatarUrl: contact.avatarUrl, reputation: contact.reputation, banned: contact.banned, createdAt: iso(contact.createdAt) },
    mergedRecords: merged.map((c) => ({ id: c.id, name: c.name, avatarUrl: c.avatarUrl, createdAt: iso(c.createdAt) })),
    identities: identities.map((i) => ({ contactId: i.contactId, kind: i.kind, value: i.value, handle: i.handle, displayName: i.displayName, followers: i.followers, verified: i.verified, createdAt: iso(i.createdAt) })),
  };
  const ticketsJson = tickets.map(({ ticket: t, roles }) => ({
    id: t.id, subject: t.subject, status: t.status, visibility: t.visibility, channel: t.channel, roles, createdAt: iso(t.createdAt), lastActivityAt: iso(t.lastActivityAt), mergedIntoId: t.mergedIntoId,
    publicTags: tags.filter((g) => g.ticketId === t.id && g.isPublic).map((g) => g.tag),
    messages: perTicket.find((p) => p.ticketId === t.id)!.messages.map((x) => ({
      id: x.id, relation: mine(x) ? 'authored' : 'received', authorType: x.authorType, authorName: x.authorName ?? null, channel: x.channel, direction: x.direction, audience: x.audience,
      text: x.text, fullText: x.fullText, html: x.html, createdAt: iso(x.createdAt), deliveryState: x.deliveryState, receivedFile: rawFile(x),
      attachments: attachments.filter((a) => a.messageId === x.id).map((a) => ({ id: a.id, filename: a.filename, contentType: a.contentType, size: Number(a.size), sha256: a.sha256, file: attFile(t.id, a) })),
    })),
  }));
  return {
    contactId: contact.id,
    filename: `contact-${contact.id}-export.zip`,
    counts: { tickets: tickets.length, messages: messages.length, files: attachments.length + items.size },
    write(zip, onFile = () => {}) {
      zip.text('README.txt', CONTACT_README);
      zip.json('profile.json', profile);
      zip.json('tickets.json', ticketsJson);
      zip.json('votes.json', votes.map((v) => ({ messageId: v.messageId, value: v.value, createdAt: iso(v.createdAt) })));
      zip.json('reports.json', flags.map((f) => ({ messageId: f.messageId, reason: f.reason, createdAt: iso(f.createdAt), resolvedAt: iso(f.resolvedAt), resolution: f.resolution })));
      zip.json('ratings.json', surveys.map((v) => ({ ticketId: v.ticketId, state: v.state, via: v.via, sentAt: iso(v.sentAt), score: v.score === null ? null : ({ 3: 'good', 2: 'okay', 1: 'bad' } as Record<number, string>)[v.score] ?? v.score, comment: v.comment, ratedAt: iso(v.ratedAt), updatedAt: iso(v.updatedAt) })));
      zip.json('consent.json', { recorded: [], note: 'Chorus keeps no consent records: it asks for none (no newsletter or marketing opt-in). This file says so explicitly.' });
      zip.json('sign-in.json', {
        sessions: sessions.map((x) => ({ createdAt: iso(x.createdAt), expiresAt: iso(x.expiresAt) })),
        links: signInLinks.map((x) => ({ purpose: x.purpose, sentTo: x.subject, createdAt: iso(x.createdAt), expiresAt: iso(x.expiresAt), usedAt: iso(x.usedAt) })),
      });
      for (const x of messages) {
        const f = rawFile(x);
        if (f) zip.lazy(f, async () => { onFile(); return exportRepository.rawOf(m, x.inboundItemId!); });
      }
      for (const a of attachments) zip.lazy(attFile(ticketOf.get(a.messageId)!, a), async () => { onFile(); return blobRepository.get(m, a.sha256); }, { compress: shouldCompress(a.contentType) });
    },
  };
}

const CONTACT_README = `Chorus contact export (an access request: everything kept about one person)

profile.json     the contact record (name, avatar, reputation, banned), records merged into it
                 (the same person met on another channel) and every identity: e-mail addresses,
                 phone numbers, social accounts, with when each was first seen
tickets.json     every ticket they asked or take part in (their role: requester, cc, participant),
                 with each message they wrote ("authored") or were sent or shown ("received"):
                 text, quoted text, HTML, time, delivery state and files. Staff notes (internal
                 working notes of the support team) are not included.
tickets/T/messages/N-received.eml   an e-mail they sent, exactly as received
tickets/T/messages/N-received.json  a message they sent through another channel, as received
tickets/T/attachments/ID-NAME       every file of those messages, byte for byte
votes.json       their votes on community answers (+1 / -1)
reports.json     posts they reported to the moderators, and what became of each report
ratings.json     satisfaction surveys they were sent, their rating and comment
consent.json     consent records (Chorus asks for none; the file says so)
sign-in.json     their sign-in sessions (created, expiry) and the sign-in links sent to their
                 addresses (sent, expiry, used). Secrets are only ever stored hashed and are not
                 exported.
`;
