import type { EntityManager } from 'typeorm';
import type { Macro } from '../../db/entities';
import { agentRepository } from '../../db/repositories/agent.repository';
import { cannedResponseRepository } from '../../db/repositories/canned-response.repository';
import type { Action } from '../actions/action-schema';
import { ENGLISH, type PageText } from '../../agent-web/page-text';

export interface MacroNames {
  agents: Map<number, string>;
  teams: Map<number, string>;
  canned: Map<number, string>;
}

export async function loadMacroNames(m: EntityManager): Promise<MacroNames> {
  const [agents, teams, canned] = await Promise.all([agentRepository.list(m), agentRepository.listTeams(m), cannedResponseRepository.list(m)]);
  return { agents: new Map(agents.map((a) => [a.id, a.name])), teams: new Map(teams.map((t) => [t.id, t.name])), canned: new Map(canned.map((c) => [c.id, c.title])) };
}

// One action in words, for the macro list, the ticket page and the API: "reply “Thanks” to participants".
// `t`: the page's language on admin pages; English (the default) for the API.
export function describeAction(a: Action, n: MacroNames, t: PageText = ENGLISH): string {
  const d = (key: string, values?: Record<string, unknown>) => t(`admin.ruleText.does.${key}`, values);
  const team = (id: number) => n.teams.get(id) ?? d('teamN', { id });
  switch (a.type) {
    case 'reply': return d('reply', { title: n.canned.get(a.cannedResponseId) ?? d('cannedN', { id: a.cannedResponseId }), audience: a.audience });
    case 'add_note': return d('addNote');
    case 'add_tag': return d('addTag', { tag: a.tag });
    case 'remove_tag': return d('removeTag', { tag: a.tag });
    case 'set_status': return d('setStatus', { s: a.status });
    case 'close': return d('close');
    case 'set_priority': return d('setPriority', { p: a.priority });
    case 'assign_agent': return d('assignTo', { name: n.agents.get(a.agentId) ?? d('agentN', { id: a.agentId }) });
    case 'assign_team': return d('setTeam', { name: team(a.teamId) });
    case 'assign_round_robin': return a.teamId ? d('rrIn', { name: team(a.teamId) }) : d('rr');
    default: return a.type.replace(/_/g, ' ');
  }
}

export function presentMacro(x: Macro, n: MacroNames, t: PageText = ENGLISH) {
  return {
    id: x.id, name: x.name, description: x.description, actions: x.actions,
    summary: x.actions.map((a) => describeAction(a, n, t)).join(' · '),
    createdAt: new Date(x.createdAt).toISOString(), updatedAt: new Date(x.updatedAt).toISOString(),
  };
}
