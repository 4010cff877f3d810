import type { Viewer } from './viewer';

// Reports are staff information: only agents read them (pages, JSON, CSV).
export const reportPolicy = {
  read: (v: Viewer) => v.kind === 'agent',
};
