import type { Viewer } from './viewer';

// One-line rules for what a viewer may do.
export const ticketPolicy = {
  list: (v: Viewer) => v.kind === 'agent',
  act: (v: Viewer) => v.kind === 'agent',
  addNote: (v: Viewer) => v.kind === 'agent',
  manageInboxes: (v: Viewer) => v.kind === 'agent' && v.role === 'admin',
  manageAgents: (v: Viewer) => v.kind === 'agent' && v.role === 'admin',
  readContacts: (v: Viewer) => v.kind === 'agent',
  replayIngest: (v: Viewer) => v.kind === 'agent' && v.role === 'admin',
};
