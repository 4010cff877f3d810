import type { Router } from 'express';
import type { Services } from './services';

// A feature plugs into Chorus here: parsers, outbound planners and senders (register), HTTP
// routes (routes), and background work such as listeners and pollers (start → stop).
export interface ChorusModule {
  name: string;
  register?(s: Services): void;
  routes?(r: Router, s: Services): void;
  start?(s: Services): Promise<(() => Promise<void>) | void>;
}
