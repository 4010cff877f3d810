import type { AgentRole } from '../db/entities';

// Who is asking. Every surface resolves its caller to one of these before it shows anything.
export type Viewer =
  | { kind: 'anonymous' }
  | { kind: 'agent'; agentId: number; role: AgentRole; name: string }
  | { kind: 'contact'; contactId: number; name: string };

export const ANONYMOUS: Viewer = { kind: 'anonymous' };

export const isAgent = (v: Viewer): v is Extract<Viewer, { kind: 'agent' }> => v.kind === 'agent';
export const isAdmin = (v: Viewer): boolean => v.kind === 'agent' && v.role === 'admin';
export const isContact = (v: Viewer): v is Extract<Viewer, { kind: 'contact' }> => v.kind === 'contact';
