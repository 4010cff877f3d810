import { isAdmin, type Viewer } from './viewer';

// Rules change tickets on their own and may reply to customers: admins only.
export const automationPolicy = {
  manage: (v: Viewer) => isAdmin(v),
};
