import type { EntityManager } from 'typeorm';
import type { Macro } from '../../db/entities';
import { agentRepository } from '../../db/repositories/agent.repository';
import { cannedResponseRepository } from '../../db/repositories/canned-response.repository';
import type { Action } from '../actions/action-schema';

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
export function describeAction(a: Action, n: MacroNames): string {
  switch (a.type) {
    case 'reply': return `reply “${n.canned.get(a.cannedResponseId) ?? `canned response ${a.cannedResponseId}`}” to ${a.audience}`;
    case 'add_note': return 'add a staff note';
    case 'add_tag': return `add tag ${a.tag}`;
    case 'remove_tag': return `remove tag ${a.tag}`;
    case 'set_status': return `set status ${a.status}`;
    case 'close': return 'close';
    case 'set_priority': return `set priority ${a.priority}`;
    case 'assign_agent': return `assign to ${n.agents.get(a.agentId) ?? `agent ${a.agentId}`}`;
    case 'assign_team': return `set team ${n.teams.get(a.teamId) ?? `team ${a.teamId}`}`;
    case 'assign_round_robin': return `assign round-robin${a.teamId ? ` in ${n.teams.get(a.teamId) ?? `team ${a.teamId}`}` : ''}`;
    default: return a.type.replace(/_/g, ' ');
  }
}

export function presentMacro(x: Macro, n: MacroNames) {
  return {
    id: x.id, name: x.name, description: x.description, actions: x.actions,
    summary: x.actions.map((a) => describeAction(a, n)).join(' · '),
    createdAt: new Date(x.createdAt).toISOString(), updatedAt: new Date(x.updatedAt).toISOString(),
  };
}
