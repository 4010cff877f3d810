import type { EntityManager } from 'typeorm';
import type { CsatSurvey, Message, Ticket, TicketParticipant } from '../db/entities';
import { csatFacts, csatRatedFact, csatSentFact } from '../csat/csat-facts';
import { csatSurveyRepository } from '../db/repositories/csat-survey.repository';
import { type NewReportFact, reportFactRepository, reportSourceRepository, ticketFact } from '../db/repositories/report-fact.repository';
import { beforeCommit } from '../db/transaction';
import { type BusinessCalendar, businessMsBetween } from '../automation/business-time';
import { isCommunityForm } from '../community/community-form';
import { businessCalendarRepository } from '../db/repositories/business-calendar.repository';
import {
  acceptedFact, agentMessageFacts, assignedFact, contactMessageFacts, contactPostKind, countsForReports, createdFact, deriveTicketFacts,
  type FactActor, isNoise, opensFromItsOwnTime, isPublicAnswer, MESSAGE_FACT_KINDS, mentionAnsweredFact, mentionFact, openingPostDetails, publicAnswerWaits, statusFact,
} from './ticket-facts';

// Facts a transaction wrote so far, inserted together just before it commits.
const pending = new WeakMap<EntityManager, NewReportFact[]>();

async function record(m: EntityManager, facts: NewReportFact | NewReportFact[]): Promise<void> {
  const rows = Array.isArray(facts) ? facts : [facts];
  const list = pending.get(m);
  if (list) {
    list.push(...rows);
    return;
  }
  const fresh = [...rows];
  const queued = beforeCommit(m, async () => {
    pending.delete(m);
    await storeFacts(m, fresh);
  });
  if (queued) pending.set(m, fresh);
  else await storeFacts(m, rows);
}

// Questions asked on the community's form come in through a web-form inbox, but reports count
// them as the community channel: the fact says so itself, so no report has to know the inbox.
// Only web-form facts pay the look-up.
export async function storeFacts(m: EntityManager, facts: NewReportFact[]): Promise<void> {
  const forms = facts.filter((f) => f.channel === 'webform').map((f) => f.inboxId);
  if (forms.length) {
    const community = new Set((await reportSourceRepository.webformInboxes(m, forms)).filter(isCommunityForm).map((i) => i.id));
    for (const f of facts) if (f.channel === 'webform' && community.has(f.inboxId)) f.channel = 'community';
  }
  await withBusinessTime(m, facts);
  await reportFactRepository.record(m, facts);
}

// First response and resolution also in business time, where the ticket's team or inbox has a
// calendar (the team's wins): counted from the ticket's start to the fact, on that calendar.
const inBusinessTime = (f: NewReportFact) => f.wallMs !== null && (f.kind === 'first_response' || (f.kind === 'status_changed' && f.statusTo === 'solved'));

async function withBusinessTime(m: EntityManager, facts: NewReportFact[]): Promise<void> {
  const calendars = new Map<string, BusinessCalendar | null>();
  for (const f of facts) {
    if (!inBusinessTime(f)) continue;
    const key = `${f.inboxId}:${f.teamId ?? ''}`;
    if (!calendars.has(key)) calendars.set(key, await businessCalendarRepository.forTicket(m, { inboxId: f.inboxId, teamId: f.teamId }));
    const cal = calendars.get(key);
    f.businessMs = cal ? businessMsBetween(cal, f.at - f.wallMs!, f.at) : null;
  }
}

// The commands call these inside their transaction, so a fact exists exactly when its change does.
export const factsWriter = {
  async ticketCreated(m: EntityManager, t: Ticket, at: number, actor: FactActor): Promise<void> {
    if (countsForReports(t)) await record(m, createdFact(t, at, actor));
  },

  async statusChanged(m: EntityManager, t: Ticket, from: string, to: string, at: number, actor: FactActor): Promise<void> {
    if (countsForReports(t) && from !== to) await record(m, statusFact(t, from, to, at, actor));
  },

  async assigned(m: EntityManager, t: Ticket, agentId: number, at: number): Promise<void> {
    if (countsForReports(t)) await record(m, assignedFact(t, agentId, at));
  },

  async slaOutcome(m: EntityManager, t: Ticket, o: { target: string; met: boolean; startedAt: number; endedAt: number; spentMs: number; targetMs: number }): Promise<void> {
    if (!countsForReports(t)) return;
    await record(m, ticketFact(t, 'sla_outcome', o.endedAt, {
      agentId: t.assigneeId, statusFrom: o.target, statusTo: o.met ? 'met' : 'breached', wallMs: o.endedAt - o.startedAt, businessMs: o.spentMs, value: o.targetMs / 60_000,
    }));
  },

  async answerAccepted(m: EntityManager, t: Ticket, msg: Message, at: number): Promise<void> {
    if (!countsForReports(t)) return;
    const answerer = msg.authorContactId ? { type: 'contact', id: msg.authorContactId } : { type: 'agent', id: msg.authorAgentId };
    await record(m, acceptedFact(t, msg.id, answerer, at));
  },

  // `firstResponseAt`: set when this agent message is the ticket's first response.
  // `opening`: the message that opened the ticket (its fact is ticket_created).
  // `authorIsParticipant`: the caller knows the author is the requester or a participant.
  async message(m: EntityManager, t: Ticket, msg: Message, opts: { firstResponseAt?: number | null; opening?: boolean; authorIsParticipant?: boolean } = {}): Promise<void> {
    if (!countsForReports(t)) return;
    const facts: NewReportFact[] = [];
    const publicOnPublic = msg.audience === 'public' && t.visibility === 'public';
    const known = opts.authorIsParticipant && msg.authorContactId !== null ? new Set([msg.authorContactId]) : null;
    const participants = publicOnPublic || (msg.authorType === 'contact' && !known && !opts.opening) ? await reportSourceRepository.participantIds(m, t.id) : known ?? new Set<number>();
    if (opts.opening && publicOnPublic) await factsWriter.openingPost(m, t, msg, participants);
    if (msg.authorType === 'agent') {
      facts.push(...agentMessageFacts(t, msg, opts.firstResponseAt ?? null));
      // A reply or a note by an agent answers every mention of them on this ticket still open.
      if (msg.authorAgentId !== null) for (const open of await reportFactRepository.openMentions(m, t.id, msg.authorAgentId, msg.createdAt)) facts.push(mentionAnsweredFact(t, open, msg.createdAt));
    } else if (msg.authorType === 'contact' && !isNoise(msg) && !opts.opening) {
      const kind = contactPostKind(t, msg, participants);
      if (kind) {
        const reach = msg.audience === 'public' ? (await reportSourceRepository.followersOf(m, [msg.authorContactId!])).get(msg.authorContactId!) ?? null : null;
        const first = kind === 'community' && !(await reportFactRepository.hasKind(m, t.id, 'community_answer'));
        facts.push(...contactMessageFacts(t, msg, kind, reach, first));
      }
    }
    // Only public threads keep a public wait: private tickets pay nothing more here.
    if (publicOnPublic && isPublicAnswer(t, msg, participants)) {
      const earlier = await reportSourceRepository.publicMessages(m, t.id);
      const authors = earlier.filter((p) => p.authorContactId !== null).map((p) => p.authorContactId!);
      facts.push(...publicAnswerWaits(t, msg, earlier, participants, await reportSourceRepository.followersOf(m, authors)));
    }
    if (facts.length) await record(m, facts);
  },

  // The post that opened a public ticket: its ticket_created fact (written a moment ago in
  // this change) learns the post and the author's reach.
  async openingPost(m: EntityManager, t: Ticket, msg: Message, participants: Set<number>): Promise<void> {
    const reach = msg.authorContactId === null ? null : (await reportSourceRepository.followersOf(m, [msg.authorContactId])).get(msg.authorContactId) ?? null;
    const post = openingPostDetails(t, msg, participants, reach);
    if (!post) return;
    const created = pending.get(m)?.find((f) => f.ticketId === t.id && f.kind === 'ticket_created');
    if (created) Object.assign(created, post);
    else await reportFactRepository.updateKind(m, t.id, 'ticket_created', post);
  },

  async mentioned(m: EntityManager, t: Ticket, agentId: number, messageId: number, at: number): Promise<void> {
    if (countsForReports(t)) await record(m, mentionFact(t, agentId, messageId, at));
  },

  // A satisfaction request went out; later its answer (a changed mind updates that fact).
  async csatSent(m: EntityManager, t: Ticket, survey: CsatSurvey): Promise<void> {
    if (countsForReports(t)) await record(m, csatSentFact(t, survey));
  },

  async csatRated(m: EntityManager, t: Ticket, survey: CsatSurvey): Promise<void> {
    if (countsForReports(t)) await record(m, csatRatedFact(t, survey));
  },

  // After a change that moves history between tickets (merge, split, their undo) or makes a
  // ticket count (restored from automatic): its facts are derived again from what it holds.
  async rebuild(m: EntityManager, ticketIds: number[]): Promise<void> {
    const tickets = await reportSourceRepository.ticketsByIds(m, ticketIds);
    const roots = new Set<number>();
    for (const t of tickets) roots.add(t.mergedIntoId ? await rootOf(m, t) : t.id);
    const cleared = new Set([...ticketIds, ...roots]);
    // Facts this transaction queued for these tickets are derived again below.
    const list = pending.get(m);
    if (list) list.splice(0, list.length, ...list.filter((f) => !cleared.has(f.ticketId)));
    await reportFactRepository.deleteByTicket(m, [...cleared]);
    const rootTickets = await reportSourceRepository.ticketsByIds(m, [...roots]);
    await storeFacts(m, await deriveFacts(m, rootTickets));
  },
};

async function rootOf(m: EntityManager, t: Ticket): Promise<number> {
  let cur = t;
  for (let hops = 0; cur.mergedIntoId && hops < 20; hops++) {
    const [next] = await reportSourceRepository.ticketsByIds(m, [cur.mergedIntoId]);
    if (!next) break;
    cur = next;
  }
  return cur.id;
}

// Facts of these tickets as their histories say. A ticket merged into another lives on in the
// survivor: its own history (the messages the merge moved) is derived as it was and filed
// under the survivor, so facts follow merges and come back when a merge is undone.
// A ticket merged away is closed by the merge (it was counted as new, so the backlog lets it
// go then). A split that was undone leaves its split-off ticket absorbed: it was never a ticket
// of its own, but the replies written on it meanwhile were sent and count under the survivor.
export async function deriveFacts(m: EntityManager, tickets: Ticket[]): Promise<NewReportFact[]> {
  const roots = tickets.filter((t) => countsForReports(t));
  const messages = groupBy(await reportSourceRepository.messagesOf(m, roots.map((t) => t.id)), (x) => x.ticketId);
  const out: NewReportFact[] = [];
  // Work list: (ticket, its message pool, the root its facts are filed under, how it joined the root).
  type Joined = { mergedAt: number; actor: FactActor } | 'absorbed' | null;
  let level: { ticket: Ticket; pool: Message[]; rootId: number; joined: Joined }[] = roots.map((t) => ({ ticket: t, pool: messages.get(t.id) ?? [], rootId: t.id, joined: null }));
  for (let depth = 0; level.length && depth < 20; depth++) {
    const ids = level.map((x) => x.ticket.id);
    const events = groupBy(await reportSourceRepository.eventsOf(m, ids), (e) => e.ticketId);
    const parts = groupBy(await reportSourceRepository.participantsOf(m, ids), (p: TicketParticipant) => p.ticketId);
    const next: typeof level = [];
    const pending: { sourceId: number; pool: Message[] | null; rootId: number; joined: Joined }[] = [];
    for (const item of level) {
      const evs = events.get(item.ticket.id) ?? [];
      let pool = item.pool;
      const undone = new Set(evs.filter((e) => e.type === 'merge_undone').map((e) => (e.data as any)?.eventId));
      for (const e of evs) {
        if (e.type === 'split_undone') {
          pending.push({ sourceId: (e.data as any)?.newTicketId, pool: null, rootId: item.rootId, joined: 'absorbed' });
          continue;
        }
        if (e.type !== 'merged' || undone.has(e.id)) continue;
        const moved = new Set<number>((e.data as any)?.messageIds ?? []);
        const actor = e.actorType === 'agent' ? { agentId: e.actorId } : e.actorType === 'contact' ? { contactId: e.actorId } : {};
        pending.push({ sourceId: (e.data as any).sourceId, pool: pool.filter((x) => moved.has(x.id)), rootId: item.rootId, joined: { mergedAt: e.createdAt, actor } });
        pool = pool.filter((x) => !moved.has(x.id));
      }
      item.pool = pool;
    }
    const followers = await reportSourceRepository.followersOf(m, level.flatMap((x) => x.pool.map((p) => p.authorContactId).filter((c): c is number => c !== null)));
    const firstIds = level.map((x) => x.pool.find((p) => p.authorType === 'contact')?.inboundItemId).filter((i): i is number => typeof i === 'number');
    const historic = await reportSourceRepository.historicItems(m, firstIds);
    const surveys = groupBy(await csatSurveyRepository.byTickets(m, ids), (x) => x.ticketId);
    for (const item of level) {
      const opening = item.pool.find((p) => p.authorType === 'contact');
      const facts = deriveTicketFacts({
        ticket: item.ticket, messages: item.pool, events: events.get(item.ticket.id) ?? [],
        participants: new Set((parts.get(item.ticket.id) ?? []).map((p) => p.contactId)), followers,
        historicStart: opening && ((opening.inboundItemId !== null && historic.has(opening.inboundItemId)) || opensFromItsOwnTime(opening)) ? opening.createdAt : null,
      });
      const j = item.joined;
      const kept = j === 'absorbed' ? facts.filter((f) => MESSAGE_FACT_KINDS.has(f.kind)) : facts;
      if (j && j !== 'absorbed' && item.ticket.status !== 'closed') kept.push(statusFact(item.ticket, item.ticket.status, 'closed', j.mergedAt, j.actor));
      // A survey's answer stays with the ticket it rated, wherever that ticket was merged.
      kept.push(...csatFacts(item.ticket, surveys.get(item.ticket.id) ?? []));
      for (const f of kept) out.push({ ...f, ticketId: item.rootId });
    }
    const sources = new Map((await reportSourceRepository.ticketsByIds(m, pending.map((p) => p.sourceId))).map((t) => [t.id, t]));
    const absorbed = groupBy(await reportSourceRepository.messagesOf(m, pending.filter((p) => p.pool === null).map((p) => p.sourceId)), (x) => x.ticketId);
    for (const p of pending) {
      const src = sources.get(p.sourceId);
      if (src && !src.automatic) next.push({ ticket: src, pool: p.pool ?? absorbed.get(src.id) ?? [], rootId: p.rootId, joined: p.joined });
    }
    level = next;
  }
  // Events name people as they were then; a contact merged since counts as the one kept.
  const kept = await reportSourceRepository.keptContacts(m, out.map((f) => f.contactId).filter((c): c is number => c !== null));
  if (kept.size) for (const f of out) if (f.contactId !== null && kept.has(f.contactId)) f.contactId = kept.get(f.contactId)!;
  return out;
}

function groupBy<T>(rows: T[], key: (r: T) => number): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

