import { NotFoundError } from '../../errors';
import { agentOnly } from '../../agent-web/agent-page';
import { isAdmin, type Viewer } from '../../policies/viewer';

// Holds and retention decide what is kept and what is destroyed: admins only. A customer is
// not told the area exists (404); an agent who is not an admin is refused (403).
export const retentionPolicy = {
  api: (v: Viewer) => {
    if (v.kind === 'contact') throw new NotFoundError();
    return isAdmin(v);
  },
  page: (v: Viewer) => {
    if (v.kind === 'contact') throw new NotFoundError();
    return agentOnly(v) && isAdmin(v);
  },
};
