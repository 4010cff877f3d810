import type { ChorusModule } from '../module';
import { mailPreviewRoutes } from './mail-preview.routes';

// A letter-opener for Chorus without an outgoing relay: the mail it would have sent, for admins.
export const mailPreviewModule: ChorusModule = {
  name: 'mail-preview',
  routes: mailPreviewRoutes,
};
