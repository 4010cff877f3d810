import { isAdmin, type Viewer } from './viewer';

// Webhooks send ticket content out of Chorus (notes too, for a staff webhook): admins only.
export const webhookPolicy = {
  manage: (v: Viewer) => isAdmin(v),
};
