import type { EntityManager } from 'typeorm';
import type { Attachment, Message, ThreadLink } from '../../db/entities';
import { agentRepository } from '../../db/repositories/agent.repository';
import { contactRepository } from '../../db/repositories/contact.repository';
import { messageRepository } from '../../db/repositories/message.repository';
import type { Viewer } from '../../policies/viewer';
import { isoOrNull } from './time';
import { avatarColour, publicName } from '../../community/public-name';


export function attachmentUrl(a: Pick<Attachment, 'id' | 'filename'>): string {
  return `/attachments/${a.id}/${encodeURIComponent(a.filename)}`;
}

// Shows `cid:` images from the message's stored attachments.
export function resolveCidImages(html: string | null, attachments: Attachment[]): string | null {
  if (!html) return html;
  return html.replace(/(["'])cid:([^"']+)\1/gi, (whole, q, cid) => {
    const a = attachments.find((x) => x.contentId && x.contentId.replace(/^<|>$/g, '') === cid);
    return a ? `${q}${attachmentUrl(a)}${q}` : whole;
  });
}

// Reactions live on the message they answer. One made in a private conversation shows only to
// agents and, on a message that is itself private, to the participants who can read it.
export function visibleReactions(viewer: Viewer, msg: Message): { name: string; emoji: string }[] {
  const all = (msg.flags?.reactions ?? []) as { name: string; emoji: string; audience?: string }[];
  const shown = viewer.kind === 'agent' ? all : all.filter((r) => r.audience === 'public' || msg.audience !== 'public');
  return shown.map((r) => ({ name: r.name, emoji: r.emoji }));
}

type ContactBrief = { id: number; name: string; reputation: number; displayName: string | null; avatarColor: string | null };

// What presenting needs besides the messages themselves, loaded once for any number of viewers.
export interface MessageHydration { attachments: Attachment[]; links: ThreadLink[] | null; contacts: Map<number, ContactBrief>; agents: Map<number, { name: string }> }

export async function hydrateMessages(m: EntityManager, messages: Message[], withThreadLinks: boolean): Promise<MessageHydration> {
  const ids = messages.map((x) => x.id);
  const [attachments, links, contacts, agents] = await Promise.all([
    messageRepository.attachmentsOf(m, ids),
    withThreadLinks ? messageRepository.threadLinksOf(m, ids) : Promise.resolve(null),
    contactRepository.findByIds(m, messages.flatMap((x) => (x.authorContactId ? [x.authorContactId] : []))),
    agentRepository.findByIds(m, messages.flatMap((x) => (x.authorAgentId ? [x.authorAgentId] : []))),
  ]);
  return { attachments, links, contacts: new Map(contacts.map((c) => [c.id, c])), agents: new Map(agents.map((a) => [a.id, a])) };
}

// The same from rows the caller already read with the messages (live delivery reads them joined).
export function hydrationFrom(rows: { attachments: Attachment[]; links: ThreadLink[]; contacts: ContactBrief[]; agents: { id: number; name: string }[] }): MessageHydration {
  return { attachments: rows.attachments, links: rows.links, contacts: new Map(rows.contacts.map((c) => [c.id, c])), agents: new Map(rows.agents.map((a) => [a.id, a])) };
}

// Presents messages the caller has ALREADY filtered through the audience policy. Agents also
// get delivery details and the thread link; nobody else learns how Chorus threads or delivers.
export async function presentMessages(m: EntityManager, viewer: Viewer, messages: Message[]) {
  return shapeMessages(viewer, messages, await hydrateMessages(m, messages, viewer.kind === 'agent'));
}

// Agents see the name the customer wrote under; everyone else sees the public name only.
function contactAuthor(viewer: Viewer, msg: Message, c: ContactBrief | undefined) {
  const person = c ?? (msg.authorContactId ? { id: msg.authorContactId } : null);
  const name = viewer.kind === 'agent' ? msg.authorName || c?.name || 'Customer' : publicName(person);
  return { type: 'contact' as const, id: msg.authorContactId, name, color: avatarColour(person), reputation: c?.reputation ?? 0 };
}

export function shapeMessages(viewer: Viewer, messages: Message[], h: MessageHydration) {
  const { attachments } = h;
  const links = h.links ?? [];
  const contactById = h.contacts;
  const agentById = h.agents;
  if (viewer.kind === 'agent' && !h.links) throw new Error('an agent presentation needs the thread links hydrated');
  return messages.map((msg) => {
    const files = attachments.filter((a) => a.messageId === msg.id);
    const author =
      msg.authorType === 'agent'
        ? { type: 'agent' as const, id: msg.authorAgentId, name: agentById.get(msg.authorAgentId!)?.name ?? 'Agent' }
        : msg.authorType === 'contact'
          ? contactAuthor(viewer, msg, contactById.get(msg.authorContactId!))
          : { type: 'system' as const, id: null, name: 'Chorus' };
    const base = {
      id: msg.id,
      ticketId: msg.ticketId,
      author,
      audience: msg.audience,
      channel: msg.channel,
      direction: msg.direction,
      text: msg.text,
      fullText: msg.fullText,
      html: resolveCidImages(msg.html, files),
      score: msg.score,
      hidden: msg.hidden,
      createdAt: isoOrNull(msg.createdAt),
      withdrawn: !!msg.flags?.withdrawn,
      reactions: visibleReactions(viewer, msg),
      attachments: files.map((a) => ({ id: a.id, filename: a.filename, contentType: a.contentType, size: a.size, sha256: a.sha256, inline: a.inline, url: attachmentUrl(a) })),
    };
    if (viewer.kind !== 'agent') return base;
    const link = links.find((l) => l.messageId === msg.id);
    return {
      ...base,
      deliveryState: msg.deliveryState,
      deliveryError: msg.deliveryError,
      externalId: msg.externalId,
      emailMessageId: msg.emailMessageId,
      flags: msg.flags,
      threadLink: link ? { rule: link.rule, evidence: link.evidence } : null,
    };
  });
}
