import type { ChorusModule } from '../module';
import { recordNotifications } from './record-notifications';
import { notificationsRoutes } from './notifications.routes';

// The agent's bell: notifications written by one commit hook from the domain events of every
// change (so each is in the change's own transaction), delivered live by the broadcaster to the
// agent's own room, listed and marked read on /notifications.
export const notificationsModule: ChorusModule = {
  name: 'notifications',
  register(s) {
    s.db.onCommit((m, events) => recordNotifications(m, events, { now: s.now(), publicUrl: s.config.publicUrl }));
  },
  routes: (r, s) => notificationsRoutes(r, s),
};
