import type { EntityManager } from 'typeorm';
import type { ChainLink, ChainSubject } from '../../db/entities';
import { chainRepository } from '../../db/repositories/chain.repository';
import { GENESIS, linkHash } from './chain-digest';

export interface ChainProblem { ticketId: number; seq: number | null; subject: string; problem: string }
export interface ChainReport { tickets: number; links: number; messages: number; events: number; problems: ChainProblem[] }
export interface VerifyProgress { phase: 'links' | 'message' | 'event'; done: number }

const PAGE = 500;

// Walks every ticket's chain (each link hashes the one before it), then every message and
// TicketEvent (its content must still have the digest of the newest link naming it). A
// ticket's chain is reported at its first broken link only: what follows it can't be trusted.
export async function verifyChains(m: EntityManager, onProgress: (p: VerifyProgress) => void = () => {}): Promise<ChainReport> {
  const report: ChainReport = { tickets: 0, links: 0, messages: 0, events: 0, problems: [] };
  let after = 0;
  for (;;) {
    const ids = await chainRepository.ticketIdsAfter(m, after, PAGE);
    if (!ids.length) break;
    const links = await chainRepository.listByTickets(m, ids);
    const gone = await vanished(m, links);
    for (const id of ids) {
      const p = firstBrokenLink(links.filter((l) => l.ticketId === id), gone);
      if (p) report.problems.push(p);
    }
    report.tickets += ids.length;
    report.links += links.length;
    after = ids[ids.length - 1];
    onProgress({ phase: 'links', done: report.links });
  }
  for (const type of ['message', 'event'] as const) {
    let afterId = 0;
    for (;;) {
      const ids = await chainRepository.subjectIdsAfter(m, type, afterId, PAGE);
      if (!ids.length) break;
      report.problems.push(...(await checkSubjects(m, type, ids)));
      report[type === 'message' ? 'messages' : 'events'] += ids.length;
      afterId = ids[ids.length - 1];
      onProgress({ phase: type, done: afterId });
    }
  }
  return report;
}

// Subjects a link names that are no longer there (deleted behind Chorus's back).
async function vanished(m: EntityManager, links: ChainLink[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const type of ['message', 'event'] as const) {
    const ids = [...new Set(links.filter((l) => l.subjectType === type).map((l) => l.subjectId))];
    const there = await chainRepository.existing(m, type, ids);
    for (const id of ids) if (!there.has(id)) out.add(`${type} ${id}`);
  }
  return out;
}

export function firstBrokenLink(links: ChainLink[], gone: Set<string> = new Set()): ChainProblem | null {
  let prev = GENESIS;
  for (const [i, l] of links.entries()) {
    const at = { ticketId: l.ticketId, seq: l.seq, subject: `${l.subjectType} ${l.subjectId}` };
    if (l.seq !== i + 1) return { ...at, problem: `link ${i + 1} is missing (the next one is numbered ${l.seq})` };
    if (l.prevHash !== prev) return { ...at, problem: 'does not name the hash of the link before it' };
    if (linkHash(l) !== l.hash) return { ...at, problem: 'its hash does not match its contents (the link was changed)' };
    if (gone.has(at.subject)) return { ...at, problem: 'was deleted (the link names it, the table no longer has it)' };
    prev = l.hash;
  }
  return null;
}

async function checkSubjects(m: EntityManager, type: ChainSubject, ids: number[]): Promise<ChainProblem[]> {
  const current = type === 'message' ? await chainRepository.messageDigests(m, ids) : await chainRepository.eventDigests(m, ids);
  const sealed = await chainRepository.latestForSubjects(m, type, ids);
  const out: ChainProblem[] = [];
  for (const id of ids) {
    const now = current.get(id);
    const link = sealed.get(id);
    if (!now) continue;
    if (!link) out.push({ ticketId: now.ticketId, seq: null, subject: `${type} ${id}`, problem: 'is in no chain (written around Chorus, or before the chain existed: run archive:seal)' });
    else if (link.digest !== now.digest) out.push({ ticketId: link.ticketId, seq: link.seq, subject: `${type} ${id}`, problem: 'was changed after it was sealed (its content no longer has the digest its link names)' });
    else if (link.ticketId !== now.ticketId) out.push({ ticketId: now.ticketId, seq: null, subject: `${type} ${id}`, problem: `was moved here from ticket #${link.ticketId} without a link` });
  }
  return out;
}
