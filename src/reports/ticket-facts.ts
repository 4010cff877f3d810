import type { Message, Ticket, TicketEvent } from '../db/entities';
import { type NewReportFact, ticketFact } from '../db/repositories/report-fact.repository';

// The rules that turn a ticket's history into reporting facts, as pure functions: the commands
// apply them to each change as it happens, and the backfill replays a whole history through the
// same rules, so a rebuilt table equals the one kept live.
//
// - Automatic tickets (machine mail) have no facts until a person writes or an agent restores
//   them; automatic messages (noise: bounces, auto-replies) on a person's ticket have none either.
// - Imported (historic) mail is real history: its ticket counts as created when the mail was
//   written, and its messages count at their own times.
// - The opening message is the ticket_created fact, not a customer_reply.

export type TicketShape = Pick<Ticket, 'id' | 'inboxId' | 'channel' | 'teamId' | 'visibility' | 'requesterId' | 'createdAt'>;
export type FactActor = { agentId?: number | null; contactId?: number | null };

export function countsForReports(t: Pick<Ticket, 'automatic' | 'mergedIntoId'>): boolean {
  return !t.automatic && !t.mergedIntoId;
}

// The same test as ingest's automatic-mail rule, on the flags the message was stored with.
export function isNoise(msg: Pick<Message, 'flags'>): boolean {
  const n = msg.flags?.noise;
  return !!n && !n.echo && !!(n.bounce || n.autoReply || n.bulk || n.loop);
}

// A contact's post is the customer's (requester or participant) or, on a public thread, a
// community answer; anything else (a stranger's machine mail kept for staff) is not counted.
export function contactPostKind(t: TicketShape, msg: Pick<Message, 'authorContactId' | 'audience'>, participants: Set<number>): 'customer' | 'community' | null {
  const id = msg.authorContactId;
  if (id === null || msg.audience === 'staff') return null;
  if (id === t.requesterId || participants.has(id)) return 'customer';
  return msg.audience === 'public' && t.visibility === 'public' ? 'community' : null;
}

// A post heard by a listening stream waited for an answer from the moment it was posted, not from
// when an agent or a rule made it a ticket: like imported mail, its ticket counts as opened at the
// post's time (created per day, public exposure). Ingest and the rebuild both ask this.
export const opensFromItsOwnTime = (msg: { flags?: Record<string, unknown> | null }) => msg.flags?.listeningItemId != null;

export function createdFact(t: TicketShape, at: number, actor: FactActor): NewReportFact {
  return ticketFact(t, 'ticket_created', at, { agentId: actor.agentId ?? null, contactId: actor.contactId ?? null });
}

// A public post that opens a public ticket waits for its answer like any later post: its
// ticket_created fact carries the post (audience, the author's reach) so exposure sees it waiting.
export function openingPostDetails(t: TicketShape, msg: Message, participants: Set<number>, reach: number | null): Pick<NewReportFact, 'audience' | 'reach' | 'messageId'> | null {
  if (msg.authorType !== 'contact' || msg.audience !== 'public' || t.visibility !== 'public' || isNoise(msg)) return null;
  if (contactPostKind(t, msg, participants) !== 'customer') return null;
  return { audience: 'public', reach, messageId: msg.id };
}

// What a ticket absorbed by an undone split still tells: the messages written on it meanwhile.
export const MESSAGE_FACT_KINDS: ReadonlySet<string> = new Set(['agent_reply', 'note', 'customer_reply', 'community_answer', 'public_answer_wait']);

export function statusFact(t: TicketShape, from: string, to: string, at: number, actor: FactActor): NewReportFact {
  return ticketFact(t, 'status_changed', at, {
    statusFrom: from, statusTo: to, agentId: actor.agentId ?? null, contactId: actor.contactId ?? null,
    wallMs: to === 'solved' ? at - t.createdAt : null,
  });
}

export function agentMessageFacts(t: TicketShape, msg: Message, firstResponseAt: number | null): NewReportFact[] {
  const base = { agentId: msg.authorAgentId, audience: msg.audience, messageId: msg.id };
  if (msg.audience === 'staff') return [ticketFact(t, 'note', msg.createdAt, base)];
  const out = [ticketFact(t, 'agent_reply', msg.createdAt, base)];
  if (firstResponseAt !== null) out.push(ticketFact(t, 'first_response', firstResponseAt, { ...base, wallMs: firstResponseAt - t.createdAt }));
  return out;
}

// `firstCommunity`: no earlier community answer on this question.
export function contactMessageFacts(t: TicketShape, msg: Message, kind: 'customer' | 'community', reach: number | null, firstCommunity: boolean): NewReportFact[] {
  const base = { contactId: msg.authorContactId, audience: msg.audience, messageId: msg.id };
  if (kind === 'community') {
    return [ticketFact(t, 'community_answer', msg.createdAt, { ...base, wallMs: msg.createdAt - t.createdAt, value: firstCommunity ? 1 : null })];
  }
  return [ticketFact(t, 'customer_reply', msg.createdAt, { ...base, reach: msg.audience === 'public' ? reach : null })];
}

// A public answer (an agent's public reply, or a community answer) ends the wait of every
// customer public post since the previous public answer: one fact per waiting post.
export function publicAnswerWaits(
  t: TicketShape, answer: Message, earlierPublic: Message[], participants: Set<number>, followers: Map<number, number>,
): NewReportFact[] {
  if (t.visibility !== 'public' || answer.audience !== 'public' || answer.hidden) return [];
  const waiting: Message[] = [];
  for (const p of earlierPublic) {
    if (p.id >= answer.id || p.hidden || isNoise(p)) continue;
    if (isPublicAnswer(t, p, participants)) waiting.length = 0;
    else if (p.authorType === 'contact' && contactPostKind(t, p, participants) === 'customer' && p.authorContactId !== answer.authorContactId) waiting.push(p);
  }
  return waiting.map((p) => ticketFact(t, 'public_answer_wait', answer.createdAt, {
    contactId: p.authorContactId, agentId: answer.authorAgentId, audience: 'public', messageId: p.id,
    reach: followers.get(p.authorContactId!) ?? null, wallMs: answer.createdAt - p.createdAt,
  }));
}

export function isPublicAnswer(t: TicketShape, msg: Message, participants: Set<number>): boolean {
  if (msg.audience !== 'public' || msg.hidden) return false;
  if (msg.authorType === 'agent') return true;
  return msg.authorType === 'contact' && !isNoise(msg) && contactPostKind(t, msg, participants) === 'community';
}

export interface TicketHistory {
  ticket: Ticket;
  messages: Message[];
  events: TicketEvent[];
  participants: Set<number>;
  followers: Map<number, number>;
  // The time the opening mail was written, when it was imported.
  historicStart: number | null;
}

// Replays one ticket's own history (not what merges brought in) into its facts.
export function deriveTicketFacts(h: TicketHistory): NewReportFact[] {
  const t = h.ticket;
  const shape = replayShape(t, h.events);
  const facts: NewReportFact[] = [];
  const created = h.events.find((e) => e.type === 'created');
  const createdBy = created?.actorType === 'agent' ? { agentId: created.actorId } : { contactId: t.requesterId };
  const at0 = h.historicStart ?? t.createdAt;
  const msgs = [...h.messages].sort((a, b) => a.id - b.id);
  const opening = msgs.find((m) => m.authorType === 'contact');
  const post = opening ? openingPostDetails(shape.at(opening.createdAt), opening, h.participants, h.followers.get(opening.authorContactId!) ?? null) : null;
  facts.push({ ...createdFact(shape.at(at0), at0, createdBy), ...(post ?? {}) });

  let firstResponseMsg: Message | undefined;
  if (t.firstResponseAt !== null) {
    const replies = msgs.filter((m) => m.authorType === 'agent' && m.audience !== 'staff');
    firstResponseMsg = [...replies].reverse().find((m) => m.createdAt <= t.firstResponseAt!) ?? replies[0];
  }
  const publicSoFar: Message[] = [];
  let communitySeen = false;
  for (const msg of msgs) {
    const s = shape.at(msg.createdAt);
    if (msg.authorType === 'agent') {
      facts.push(...agentMessageFacts(s, msg, msg === firstResponseMsg ? t.firstResponseAt : null));
    } else if (msg.authorType === 'contact' && !isNoise(msg) && msg !== opening && !(msg.flags?.forwardNote)) {
      const kind = contactPostKind(s, msg, h.participants);
      if (kind) {
        facts.push(...contactMessageFacts(s, msg, kind, h.followers.get(msg.authorContactId!) ?? null, kind === 'community' && !communitySeen));
        if (kind === 'community') communitySeen = true;
      }
    }
    if (msg.audience === 'public' && isPublicAnswer(s, msg, h.participants)) facts.push(...publicAnswerWaits(s, msg, publicSoFar, h.participants, h.followers));
    if (msg.audience === 'public') publicSoFar.push(msg);
  }
  for (const e of h.events) {
    const s = shape.at(e.createdAt);
    const actor = e.actorType === 'agent' ? { agentId: e.actorId } : e.actorType === 'contact' ? { contactId: e.actorId } : {};
    const d = (e.data ?? {}) as Record<string, any>;
    if (e.type === 'status') facts.push(statusFact(s, d.from, d.to, e.createdAt, actor));
    else if (e.type === 'assigned' && d.to) facts.push(assignedFact(s, d.to, e.createdAt));
    else if (e.type === 'accepted') facts.push(acceptedFact(s, d.messageId, d.answerer, e.createdAt));
  }
  facts.push(...mentionFacts((at) => shape.at(at), h.events, msgs));
  return facts.sort((a, b) => a.at - b.at);
}

export function mentionFact(t: TicketShape, agentId: number, messageId: number, at: number): NewReportFact {
  return ticketFact(t, 'mention', at, { agentId, messageId });
}

// `mention`: the mention fact this reply or note answers (the mentioned agent wrote at `at`).
export function mentionAnsweredFact(t: TicketShape, mention: { agentId: number; messageId: number; at: number }, at: number): NewReportFact {
  return ticketFact(t, 'mention_answered', at, { agentId: mention.agentId, messageId: mention.messageId, wallMs: Math.max(0, at - mention.at) });
}

// Each mention on a ticket's history and the first reply or note its agent wrote after it.
export function mentionFacts(shapeAt: (at: number) => TicketShape, events: TicketEvent[], msgs: Message[]): NewReportFact[] {
  const out: NewReportFact[] = [];
  for (const e of events) {
    if (e.type !== 'mentioned') continue;
    const d = (e.data ?? {}) as { agentId?: number; messageId?: number };
    if (typeof d.agentId !== 'number' || typeof d.messageId !== 'number') continue;
    const mention = { agentId: d.agentId, messageId: d.messageId, at: e.createdAt };
    out.push(mentionFact(shapeAt(e.createdAt), mention.agentId, mention.messageId, e.createdAt));
    const answer = msgs.find((m) => m.authorType === 'agent' && m.authorAgentId === mention.agentId && m.id > mention.messageId && m.createdAt >= e.createdAt);
    if (answer) out.push(mentionAnsweredFact(shapeAt(answer.createdAt), mention, answer.createdAt));
  }
  return out;
}

export function assignedFact(t: TicketShape, agentId: number, at: number): NewReportFact {
  return ticketFact(t, 'assigned', at, { agentId });
}

export function acceptedFact(t: TicketShape, messageId: number, answerer: { type: string; id: number | null } | undefined, at: number): NewReportFact {
  return ticketFact(t, 'answer_accepted', at, {
    messageId, contactId: answerer?.type === 'contact' ? answerer.id : null, agentId: answerer?.type === 'agent' ? answerer.id : null,
  });
}

// The ticket's team and visibility as they were at a moment, from the history of their changes.
function replayShape(t: Ticket, events: TicketEvent[]) {
  const changes = events.filter((e) => e.type === 'team' || e.type === 'audience');
  const firstTeam = changes.find((e) => e.type === 'team');
  const firstVis = changes.find((e) => e.type === 'audience');
  return {
    at(time: number): TicketShape {
      let teamId: number | null = firstTeam ? ((firstTeam.data as any)?.from ?? null) : t.teamId;
      let visibility: Ticket['visibility'] = firstVis ? (firstVis.data as any)?.from : t.visibility;
      for (const e of changes) {
        if (e.createdAt > time) break;
        if (e.type === 'team') teamId = (e.data as any)?.to ?? null;
        else visibility = (e.data as any)?.to;
      }
      return { ...t, teamId, visibility };
    },
  };
}
