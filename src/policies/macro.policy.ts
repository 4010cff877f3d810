import type { Viewer } from './viewer';

// Every agent applies macros; admins write them.
export const macroPolicy = {
  use: (v: Viewer) => v.kind === 'agent',
  manage: (v: Viewer) => v.kind === 'agent' && v.role === 'admin',
};
