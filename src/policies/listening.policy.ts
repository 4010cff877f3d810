import { isAdmin, isAgent, type Viewer } from './viewer';

// Streams hold platform tokens and decide what Chorus searches for: admins. Listened posts are
// strangers' public posts not yet tickets, staff work like the inbox: every agent, nobody else.
export const listeningPolicy = {
  manage: (v: Viewer) => isAdmin(v),
  triage: (v: Viewer) => isAgent(v),
};
